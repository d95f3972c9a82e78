package dev.coda.internal.inject;

import dev.coda.UploadFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A parsed form body, Starlette's {@code FormData}: its fields and files in the order sent, each value a {@code String}
 * or an {@link UploadFile}. Closing it deletes the temporary files of its uploads.
 *
 * @param entries every field and file, in order
 * @param resources what closing the form releases (the multipart parts), or {@code null}
 */
public record FormData(List<Map.Entry<String, Object>> entries, AutoCloseable resources) implements AutoCloseable {

    /** The form of a body that is no form (another content type, or none): every field is missing. */
    public static final FormData EMPTY = new FormData(List.of(), null);

    /** Every value of a field, text or file, in order. */
    public List<Object> values(String name) {
        var out = new ArrayList<Object>(1);
        for (var entry : entries) {
            if (entry.getKey().equals(name)) {
                out.add(entry.getValue());
            }
        }
        return out;
    }

    /** The last value of a field (Starlette's rule), or {@code null}. */
    public Object last(String name) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).getKey().equals(name)) {
                return entries.get(i).getValue();
            }
        }
        return null;
    }

    @Override
    public void close() throws Exception {
        if (resources != null) {
            resources.close();
        }
    }
}
