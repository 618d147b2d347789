package dev.kyoyu.service.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Request bodies must be UTF-8 exactly. Jackson's byte parser decodes leniently (an overlong {@code C0 AF} becomes
 * "/", UTF-8-encoded surrogates and code points past U+10FFFF pass), so a body it accepts could still hold bytes
 * that are not text; the JDK's decoder refuses every such sequence. It checks, it never converts: the parser
 * still reads the original bytes.
 */
public final class StrictUtf8 {
    private StrictUtf8() {
    }

    private static CharsetDecoder decoder() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** Whether the bytes are well-formed UTF-8 (one NDJSON line, say). */
    public static boolean isValid(byte[] bytes) {
        try {
            decoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The stream, failing with a 400 {@link BodyReadException} at the first byte that is not UTF-8. */
    public static InputStream checking(InputStream in) {
        return new Checking(in);
    }

    private static BodyReadException malformed(long offset) {
        return new BodyReadException(ErrorCode.INVALID_INPUT, "request body is not valid UTF-8 (at byte " + offset + ")", null, "body");
    }

    private static final class Checking extends FilterInputStream {
        private final CharsetDecoder decoder = decoder();
        /** Bytes read but not yet checked: at most the tail of a sequence split between two reads, plus one read. */
        private ByteBuffer pending = ByteBuffer.allocate(8 * 1024);
        private final CharBuffer scratch = CharBuffer.allocate(8 * 1024);
        private long checked;
        private boolean finished;

        Checking(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                check(buffer, offset, n, false);
            } else if (n < 0 && !finished) {
                finished = true;
                check(buffer, offset, 0, true);
            }
            return n;
        }

        private void check(byte[] buffer, int offset, int length, boolean end) throws IOException {
            if (pending.remaining() < length) {
                ByteBuffer larger = ByteBuffer.allocate(pending.position() + length);
                pending.flip();
                larger.put(pending);
                pending = larger;
            }
            pending.put(buffer, offset, length).flip();
            CoderResult result;
            do {
                scratch.clear();
                result = decoder.decode(pending, scratch, end);
            } while (result.isOverflow());
            if (result.isError()) {
                throw malformed(checked + pending.position());
            }
            checked += pending.position();
            pending.compact();
            if (end && decoder.flush(scratch.clear()).isError()) {
                throw malformed(checked);
            }
        }
    }
}
