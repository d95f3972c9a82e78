package dev.coda.internal.binding;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** An error location, built by appending field names and indexes; shares its prefix. */
public final class Loc {

    private final Loc parent;
    private final Object part;
    private final int depth;

    private Loc(Loc parent, Object part) {
        this.parent = parent;
        this.part = part;
        this.depth = parent == null ? 1 : parent.depth + 1;
    }

    public static Loc of(String source) {
        return new Loc(null, source);
    }

    public static Loc of(String source, String name) {
        return new Loc(new Loc(null, source), name);
    }

    public Loc with(Object next) {
        return new Loc(this, next);
    }

    public List<Object> toList() {
        var out = new ArrayList<Object>(depth);
        for (var l = this; l != null; l = l.parent) {
            out.add(l.part);
        }
        Collections.reverse(out);
        return out;
    }

    @Override
    public String toString() {
        return toList().toString();
    }
}
