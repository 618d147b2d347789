# Every Kyoyu service's image, from this one file: one target per service.
#   docker build --target ingest-api      -t kyoyu/ingest-api:0.1.0 .
#   docker build --target sink-worker     -t kyoyu/sink-worker:0.1.0 .     (also runs the migrations: MigrateMain)
#   docker build --target decision-stream -t kyoyu/decision-stream:0.1.0 .
#   docker build --target embedder        -t kyoyu/embedder:0.1.0 .
#   docker build --target query-api       -t kyoyu/query-api:0.1.0 .
# Base images are pinned in deploy/images.properties (java.build, java.runtime); a test checks the FROM lines
# against it. Each image runs what ./kyoyu runs: the module's thin jar plus target/lib on the classpath, the same
# main class, the same KYOYU_* settings. docs/operations.md ("Images") says more.

# --- build: Maven 3.9.11, the version .mvn/wrapper pins, so the image's mvn stands in for ./mvnw ---------------
FROM maven:3.9.11-eclipse-temurin-21 AS build
WORKDIR /src

# The poms first (and the marker files that switch on the parent pom's runnable-service profile, which copies
# each service's libraries to target/lib): this layer, and the dependency download below, are rebuilt only when
# a pom changes. Every module of the parent pom is listed, or Maven refuses the reactor.
COPY pom.xml ./
COPY schemas/pom.xml schemas/
COPY schemas/src/main/resources/kyoyu-service.properties schemas/src/main/resources/
COPY service-common/pom.xml service-common/
COPY ingest-api/pom.xml ingest-api/
COPY ingest-api/src/main/resources/kyoyu-service.properties ingest-api/src/main/resources/
COPY sink-worker/pom.xml sink-worker/
COPY sink-worker/src/main/resources/kyoyu-service.properties sink-worker/src/main/resources/
COPY decision-stream/pom.xml decision-stream/
COPY decision-stream/src/main/resources/kyoyu-service.properties decision-stream/src/main/resources/
COPY embedder/pom.xml embedder/
COPY embedder/src/main/resources/kyoyu-service.properties embedder/src/main/resources/
COPY query-api/pom.xml query-api/
COPY query-api/src/main/resources/kyoyu-service.properties query-api/src/main/resources/
COPY test-support/pom.xml test-support/
COPY system-tests/pom.xml system-tests/
COPY bench/pom.xml bench/
COPY bench-peer/pom.xml bench-peer/

ARG SERVICES=ingest-api,sink-worker,decision-stream,embedder,query-api
# Packaging the source-less modules fetches every plugin and library the real build needs; then the build
# below runs offline (-o), so a source change never touches the network.
RUN mvn -B -q -Dmaven.test.skip=true -pl "$SERVICES" -am package && rm -rf ./*/target

COPY schemas/src schemas/src
COPY service-common/src service-common/src
COPY ingest-api/src ingest-api/src
COPY sink-worker/src sink-worker/src
COPY decision-stream/src decision-stream/src
COPY embedder/src embedder/src
COPY query-api/src query-api/src
COPY test-support/src test-support/src
RUN mvn -B -q -o -Dmaven.test.skip=true -pl "$SERVICES" -am package

# The HEALTHCHECK's probe: the runtime image is a JRE (no javac), so it is compiled here.
COPY deploy/docker/HealthProbe.java /src/health/
RUN javac --release 21 -d /out/health /src/health/HealthProbe.java

# --- runtime: the JRE every service shares, a numeric non-root user, no build tools -------------------------
FROM eclipse-temurin:21.0.9_10-jre-noble AS runtime
# UID/GID 10001: above any system account, the same number Kubernetes' runAsUser names.
RUN groupadd --gid 10001 kyoyu \
    && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /var/lib/kyoyu --shell /usr/sbin/nologin kyoyu \
    && mkdir -p /var/lib/kyoyu/home /var/lib/kyoyu/stream-state \
    && chown -R 10001:10001 /var/lib/kyoyu
COPY deploy/docker/kyoyu-java /opt/kyoyu/bin/kyoyu-java
COPY --from=build /out/health /opt/kyoyu/health
# Where the admin CLIs (BootstrapAdmin, AgentsCli) keep the admin's key file (admin-api-key): a volume in compose.
ENV KYOYU_HOME=/var/lib/kyoyu/home
WORKDIR /var/lib/kyoyu
USER 10001:10001
# Every service's start and health check, once: each target below sets KYOYU_SERVICE_MAIN (the main class the
# entrypoint runs when given none; no CMD, as ENTRYPOINT drops the base image's), KYOYU_HEALTH_PORT_SETTING (the
# setting that holds its port) and KYOYU_HEALTH_PORT_DEFAULT (that setting's default). A HEALTHCHECK's exec form
# expands no variables, so the probe reads those two from its environment.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["java", "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", "/opt/kyoyu/health", "HealthProbe"]
ENTRYPOINT ["/bin/sh", "/opt/kyoyu/bin/kyoyu-java"]

# --- one target per service: its jar and libraries, its main class, its port ------------------------------
# A container is reached from outside its loopback, so each listens on 0.0.0.0 (the code's default, 127.0.0.1,
# suits one machine); compose and Kubernetes set it too.

FROM runtime AS ingest-api
COPY --from=build /src/ingest-api/target/lib/ /opt/kyoyu/app/lib/
COPY --from=build /src/ingest-api/target/ingest-api.jar /opt/kyoyu/app/service.jar
ENV KYOYU_SERVICE_MAIN=dev.kyoyu.ingest.IngestMain \
    KYOYU_HEALTH_PORT_SETTING=KYOYU_INGEST_PORT KYOYU_HEALTH_PORT_DEFAULT=8080 \
    KYOYU_INGEST_HOST=0.0.0.0
EXPOSE 8080

FROM runtime AS sink-worker
COPY --from=build /src/sink-worker/target/lib/ /opt/kyoyu/app/lib/
COPY --from=build /src/sink-worker/target/sink-worker.jar /opt/kyoyu/app/service.jar
ENV KYOYU_SERVICE_MAIN=dev.kyoyu.sink.SinkMain \
    KYOYU_HEALTH_PORT_SETTING=KYOYU_SINK_PORT KYOYU_HEALTH_PORT_DEFAULT=8082 \
    KYOYU_SINK_HOST=0.0.0.0
EXPOSE 8082

FROM runtime AS decision-stream
COPY --from=build /src/decision-stream/target/lib/ /opt/kyoyu/app/lib/
COPY --from=build /src/decision-stream/target/decision-stream.jar /opt/kyoyu/app/service.jar
ENV KYOYU_SERVICE_MAIN=dev.kyoyu.stream.StreamMain \
    KYOYU_HEALTH_PORT_SETTING=KYOYU_STREAM_PORT KYOYU_HEALTH_PORT_DEFAULT=8079 \
    KYOYU_STREAM_HOST=0.0.0.0 KYOYU_STREAM_STATE_DIR=/var/lib/kyoyu/stream-state
EXPOSE 8079

FROM runtime AS embedder
COPY --from=build /src/embedder/target/lib/ /opt/kyoyu/app/lib/
COPY --from=build /src/embedder/target/embedder.jar /opt/kyoyu/app/service.jar
ENV KYOYU_SERVICE_MAIN=dev.kyoyu.embedder.EmbedderMain \
    KYOYU_HEALTH_PORT_SETTING=KYOYU_EMBEDDER_PORT KYOYU_HEALTH_PORT_DEFAULT=8078 \
    KYOYU_EMBEDDER_HOST=0.0.0.0
EXPOSE 8078

FROM runtime AS query-api
COPY --from=build /src/query-api/target/lib/ /opt/kyoyu/app/lib/
COPY --from=build /src/query-api/target/query-api.jar /opt/kyoyu/app/service.jar
ENV KYOYU_SERVICE_MAIN=dev.kyoyu.query.QueryMain \
    KYOYU_HEALTH_PORT_SETTING=KYOYU_QUERY_PORT KYOYU_HEALTH_PORT_DEFAULT=8081 \
    KYOYU_QUERY_HOST=0.0.0.0
EXPOSE 8081
