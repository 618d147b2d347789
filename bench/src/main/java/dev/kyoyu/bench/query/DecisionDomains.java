package dev.kyoyu.bench.query;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link DecisionCorpus} writes about: eight agent roles, the fifteen decision types they own with their
 * outcomes and the facts and evidence their reasoning is made of, sentence templates with {@code {slots}}, and the
 * vocabulary the slots are filled from. Data, plus the few helpers that draw from it.
 */
final class DecisionDomains {
    /** A decision type: who makes it, what it can conclude (weights in percent), and what its text is made of. */
    record Kind(String type, String noun, String[] outcomes, int[] weights, String[] facts, String[] evidence) {
    }

    static final String[] ROLES = {"risk", "support", "release", "claims", "procurement", "trust", "pricing", "talent"};

    private DecisionDomains() {
    }

    static String roleOf(String decisionType) {
        return ROLE_OF.get(decisionType);
    }

    /** {@code n} different items (all of them when there are fewer), in random order. */
    static List<String> distinct(Random random, String[] options, int n) {
        List<String> pool = new ArrayList<>(List.of(options));
        List<String> chosen = new ArrayList<>();
        while (chosen.size() < n && !pool.isEmpty()) {
            chosen.add(pool.remove(random.nextInt(pool.size())));
        }
        return chosen;
    }

    static <T> T pick(Random random, T[] options) {
        return options[random.nextInt(options.length)];
    }

    private static final Pattern SLOT = Pattern.compile("\\{([a-z]+)}");

    /** Replaces every {@code {slot}} except {outcome} and {noun} with a fresh random value of its kind. */
    static String fill(String template, Random random) {
        Matcher m = SLOT.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String slot = m.group(1);
            String value = switch (slot) {
                case "outcome", "noun" -> "{" + slot + "}";
                case "amount" -> String.format(Locale.ROOT, "%,d %s", (long) Math.exp(5 + random.nextDouble() * 8),
                        pick(random, new String[] {"EUR", "EUR", "USD", "GBP", "CHF"}));
                case "pct" -> String.format(Locale.ROOT, "%.1f%%", 0.2 + random.nextDouble() * 48);
                case "score" -> Integer.toString(480 + random.nextInt(371));
                case "days" -> Integer.toString(1 + random.nextInt(120));
                case "count" -> String.format(Locale.ROOT, "%,d", 2 + random.nextInt(4999));
                case "ms" -> String.format(Locale.ROOT, "%,d ms", 40 + random.nextInt(3960));
                case "version" -> "v" + (1 + random.nextInt(9)) + "." + random.nextInt(31) + "." + random.nextInt(10);
                case "policy" -> pick(random, new String[] {"CR-", "OPS-", "FIN-", "SEC-", "HR-"}) + (100 + random.nextInt(900));
                case "id" -> String.format(Locale.ROOT, "#%d", 10_000 + random.nextInt(990_000));
                case "person" -> pick(random, FIRST) + " " + pick(random, LAST);
                default -> pick(random, WORDS.getOrDefault(slot, new String[] {slot}));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static final String[] FIRST = {"Lena", "Marco", "Aiko", "Sofia", "Daniel", "Priya", "Tomás", "Chloé", "Jonas",
        "Amara", "Kenji", "Olga", "Mateo", "Fatima", "Lucas", "Ingrid", "Ravi", "Noor", "Emil", "Zoë"};
    private static final String[] LAST = {"Fischer", "Rossi", "Tanaka", "García", "Okafor", "Nguyen", "Müller", "Dubois",
        "Kowalski", "Haddad", "Lindqvist", "Sato", "Moreau", "Silva", "Novak", "Andersen", "Ivanova", "Shah", "Brennan", "Costa"};
    private static final Map<String, String[]> WORDS = Map.ofEntries(
            Map.entry("company", new String[] {"Northwind Traders", "Acme Logistics", "Globex GmbH", "Initech",
                "Umbrella Retail", "Stark Components", "Hooli Cloud", "Wayne Freight", "Tyrell Labs", "Soylent Foods"}),
            Map.entry("product", new String[] {"espresso machine", "noise-cancelling headphones", "standing desk",
                "4K monitor", "road bike", "winter jacket", "smartphone", "dishwasher", "laptop", "office chair", "air purifier"}),
            Map.entry("region", new String[] {"eu-west-1", "us-east-2", "ap-northeast-1", "eu-central-1", "sa-east-1"}),
            Map.entry("city", new String[] {"Berlin", "Lyon", "Osaka", "Austin", "São Paulo", "Warsaw", "Lisbon", "Toronto"}),
            Map.entry("service", new String[] {"checkout-api", "payments-gateway", "search-indexer", "auth-service",
                "notification-worker", "pricing-engine", "inventory-sync", "report-builder"}),
            Map.entry("metric", new String[] {"error rate", "p99 latency", "CPU saturation", "queue depth",
                "memory usage", "5xx ratio"}),
            Map.entry("month", new String[] {"January", "February", "March", "April", "May", "June", "July",
                "August", "September", "October", "November", "December"}),
            Map.entry("employer", new String[] {"a regional hospital", "a logistics firm", "a public school",
                "a software company", "a family-owned bakery", "the city council", "a construction company"}),
            Map.entry("role", new String[] {"backend engineer", "data analyst", "warehouse supervisor",
                "account manager", "nurse", "product designer", "site reliability engineer"}),
            Map.entry("channel", new String[] {"email", "chat", "phone", "the mobile app", "a partner portal"}),
            Map.entry("system", new String[] {"the payroll system", "the production database", "the CRM",
                "the data warehouse", "the build pipeline", "the VPN"}));

    private static final Map<String, String> ROLE_OF = new HashMap<>();

    private static Kind kind(String role, String type, String noun, String[] outcomes, int[] weights, String[] facts, String[] evidence) {
        ROLE_OF.put(type, role);
        return new Kind(type, noun, outcomes, weights, facts, evidence);
    }

    static final List<Kind> KINDS = List.of(
            kind("risk", "loan_approval", "loan application",
                    new String[] {"approve", "approve_with_conditions", "deny", "refer_to_underwriter"}, new int[] {50, 20, 20, 10},
                    new String[] {"The applicant requests a loan of {amount} over {days} months.",
                        "Credit score is {score}, and the debt-to-income ratio is {pct}.",
                        "The applicant has worked as a {role} at {employer} for {days} months.",
                        "Two payments were missed in the last {days} days on an existing credit card.",
                        "Monthly net income of {amount} covers the proposed instalment several times over.",
                        "The collateral, a car registered in {city}, is valued at {amount}.",
                        "Bank statements show a stable balance and no overdraft since {month}."},
                    new String[] {"document|Payslip for {month} shows a net income of {amount}.",
                        "api|Credit bureau report: score {score}, {count} open accounts, utilisation {pct}.",
                        "database|Internal history: {count} prior loans, none in default."}),
            kind("risk", "credit_limit_change", "credit limit request",
                    new String[] {"increase", "keep", "decrease"}, new int[] {55, 30, 15},
                    new String[] {"The customer asks to raise the card limit from {amount} to {amount}.",
                        "Utilisation has averaged {pct} over the last {days} days.",
                        "Spending moved abroad to {city}, which the customer confirmed by {channel}.",
                        "The account is {days} months old with on-time payments throughout."},
                    new String[] {"database|Card ledger: average monthly spend {amount}, peak {amount}.",
                        "api|Bureau refresh: score changed to {score}."}),
            kind("risk", "fraud_review", "flagged transaction",
                    new String[] {"allow", "block", "step_up_verification", "manual_review"}, new int[] {45, 20, 25, 10},
                    new String[] {"A payment of {amount} was attempted from a new device in {city}.",
                        "The transaction velocity rose to {count} attempts within an hour.",
                        "The billing and shipping addresses differ and the email domain is {days} days old.",
                        "The device fingerprint matches {count} earlier chargebacks.",
                        "The customer passed 3-D Secure verification {days} days ago from the same device."},
                    new String[] {"tool|Fraud model score {pct} for transaction {id}.",
                        "database|Chargeback history: {count} disputes linked to this card network."}),
            kind("support", "refund_request", "refund request",
                    new String[] {"full_refund", "partial_refund", "store_credit", "deny"}, new int[] {45, 25, 15, 15},
                    new String[] {"The customer requests a refund for a {product} that arrived damaged.",
                        "The {product} was delivered {days} days late, after the promised date.",
                        "The order {id} of {amount} was placed {days} days ago, inside the return window.",
                        "Photos sent by {channel} show a cracked housing and missing parts.",
                        "The customer already received a goodwill voucher of {amount} in {month}.",
                        "The courier confirmed the parcel was left outside in the rain in {city}."},
                    new String[] {"document|Order confirmation {id}: {product}, {amount}.",
                        "user|Customer message via {channel}: the item stopped working after two days.",
                        "api|Carrier tracking shows delivery {days} days after the estimate."}),
            kind("support", "support_escalation", "support ticket",
                    new String[] {"resolve_tier1", "escalate_tier2", "escalate_engineering", "close_duplicate"}, new int[] {40, 30, 20, 10},
                    new String[] {"Ticket {id} reports that {service} returns errors for {count} users.",
                        "The customer, {company}, is on an enterprise plan with a {ms} response target.",
                        "The same symptom was reported {count} times this week from {region}.",
                        "A known workaround exists and was documented in {month}.",
                        "The customer has been waiting {days} hours and asked for a call back by {channel}."},
                    new String[] {"database|Ticket history for {company}: {count} tickets, {pct} escalated.",
                        "tool|Log search: {count} matching errors in {service}."}),
            kind("release", "deploy_rollout", "deployment",
                    new String[] {"proceed", "extend_canary", "pause", "rollback"}, new int[] {55, 20, 15, 10},
                    new String[] {"Release {version} of {service} is at {pct} of traffic in {region}.",
                        "The canary's {metric} is {pct} above the baseline after {days} minutes.",
                        "No new alerts fired for {service} since the rollout started.",
                        "A database migration in this release locks a table with {count} rows.",
                        "The previous release of {service} was rolled back in {month} for a memory leak."},
                    new String[] {"tool|Dashboard: {metric} for {service} at {ms} p99.",
                        "api|Deploy pipeline run {id}: all {count} checks passed."}),
            kind("release", "incident_response", "alert",
                    new String[] {"monitor", "auto_remediate", "page_oncall", "declare_major_incident"}, new int[] {40, 25, 25, 10},
                    new String[] {"The {metric} of {service} crossed its threshold in {region}.",
                        "Checkout conversion dropped by {pct} in the last {days} minutes.",
                        "A runbook for restarting {service} exists and succeeded {count} times before.",
                        "The on-call engineer {person} acknowledged a related page {days} minutes ago."},
                    new String[] {"tool|Alert {id}: {metric} at {pct} for {days} minutes.",
                        "web|Status page of {company} reports degraded performance."}),
            kind("claims", "insurance_claim", "insurance claim",
                    new String[] {"pay_in_full", "pay_partial", "investigate", "deny"}, new int[] {45, 25, 20, 10},
                    new String[] {"The policyholder claims {amount} for water damage in a flat in {city}.",
                        "The policy started {days} months ago and covers accidental damage.",
                        "A similar claim of {amount} was filed by the same policyholder in {month}.",
                        "The adjuster {person} estimated the repair cost at {amount}.",
                        "The claim was reported {days} days after the incident."},
                    new String[] {"document|Adjuster report: repair estimate {amount}.",
                        "document|Police report {id} filed in {city}.",
                        "database|Claims history: {count} claims in the postcode this year."}),
            kind("procurement", "vendor_selection", "vendor choice",
                    new String[] {"choose_primary", "choose_backup", "rebid", "defer"}, new int[] {50, 25, 15, 10},
                    new String[] {"{company} quoted {amount} for the annual contract, {pct} below the incumbent.",
                        "{company} missed {count} delivery dates last quarter.",
                        "The security review of {company} found no open critical issues.",
                        "Switching vendors would take about {days} days of migration work."},
                    new String[] {"document|Quote from {company}: {amount} per year.",
                        "database|Vendor scorecard: on-time delivery {pct}."}),
            kind("procurement", "inventory_reorder", "stock level",
                    new String[] {"reorder_standard", "expedite", "defer", "cancel_po"}, new int[] {50, 20, 20, 10},
                    new String[] {"Stock of {product} in the {city} warehouse fell to {count} units.",
                        "Forecast demand for {product} rises by {pct} ahead of {month}.",
                        "The supplier {company} needs {days} days to deliver a standard order.",
                        "Expedited shipping would add {amount} to the order."},
                    new String[] {"database|Warehouse {city}: {count} units on hand, {count} reserved.",
                        "api|Supplier portal: lead time {days} days."}),
            kind("procurement", "contract_renewal", "contract",
                    new String[] {"renew", "renegotiate", "terminate"}, new int[] {55, 30, 15},
                    new String[] {"The contract with {company} ends in {days} days and renews automatically.",
                        "Usage of the service fell by {pct} since {month}.",
                        "{company} proposes a price increase of {pct} for the next term."},
                    new String[] {"document|Contract {id} with {company}: {amount} per year.",
                        "database|Licence usage: {count} seats active of {count}."}),
            kind("trust", "content_moderation", "reported post",
                    new String[] {"keep", "add_label", "age_restrict", "remove"}, new int[] {45, 25, 15, 15},
                    new String[] {"A post was reported {count} times for harassment within an hour.",
                        "The classifier rates the text as abusive with probability {pct}.",
                        "The author's account is {days} days old and posted {count} times today.",
                        "The image appears in a news article published in {city} in {month}."},
                    new String[] {"tool|Toxicity classifier: {pct}.",
                        "user|Reporter's note via {channel}: targeted insults in the comments."}),
            kind("trust", "access_request", "access request",
                    new String[] {"grant", "grant_temporary", "require_manager_approval", "deny"}, new int[] {45, 25, 20, 10},
                    new String[] {"{person}, a {role}, requests write access to {system}.",
                        "The request cites ticket {id} and needs access for {days} days.",
                        "Policy {policy} requires manager approval for production access.",
                        "The requester had the same access revoked in {month} after a review."},
                    new String[] {"database|Directory: {person} is in the {role} group.",
                        "document|Policy {policy}: production access rules."}),
            kind("pricing", "price_adjustment", "price change",
                    new String[] {"hold", "lower", "raise", "match_competitor"}, new int[] {40, 25, 20, 15},
                    new String[] {"A competitor, {company}, lowered the price of its {product} by {pct}.",
                        "Our {product} sells {count} units a week at {amount}.",
                        "Price elasticity for this category was estimated at {pct} in {month}.",
                        "Margins on the {product} are {pct} after shipping costs."},
                    new String[] {"web|Competitor price for the {product}: {amount}.",
                        "database|Sales last {days} days: {count} units."}),
            kind("talent", "candidate_screening", "candidate",
                    new String[] {"advance", "hold", "reject"}, new int[] {45, 25, 30},
                    new String[] {"The candidate applied for the {role} position in {city}.",
                        "The candidate has {days} months of relevant experience at {company}.",
                        "The take-home exercise scored {pct} against the rubric.",
                        "References from {company} were positive about teamwork and ownership."},
                    new String[] {"document|CV: {days} months as a {role}.",
                        "tool|Assessment platform: score {pct}."}));

    static final String[] ASSESSMENTS = {
        "Policy {policy} allows this within the documented tolerance.",
        "The previous {count} comparable cases were resolved the same way in {pct} of instances.",
        "A second model pass agreed with the first assessment by a margin of {pct}.",
        "No conflicting signal was found in the last {days} days of history.",
        "The cost of waiting is higher than the cost of acting now.",
        "Escalation was considered, but the evidence was enough to decide without it.",
        "Data from {company} arrived late, so the decision rests on the latest snapshot.",
        "{person} reviewed a sample of similar cases last quarter and found the rule sound."};
    static final String[] CONCLUSIONS = {
        "Outcome: {outcome} for this {noun}.",
        "Therefore the {noun} is settled as {outcome}.",
        "On balance, {outcome} is the right call for this {noun}.",
        "Decision for the {noun}: {outcome}, to be reviewed in {days} days."};
    static final String[] REJECTIONS = {
        "Not supported by the evidence at hand.", "Too costly relative to the expected benefit.",
        "Conflicts with policy {policy}.", "Would delay the customer by {days} days.",
        "Risk above the accepted threshold of {pct}.", "Previously tried in {month} without success."};
    static final String[] REVISION_TRIGGERS = {
        "new evidence from {company}", "a customer appeal received by {channel}", "an audit finding by {person}",
        "the update of policy {policy}", "a correction of the data in {system}"};
    static final String[] QUERY_ASKS = {
        "What did we decide in similar cases?", "Find precedents for this {noun}.", "How was a comparable {noun} handled?"};
}
