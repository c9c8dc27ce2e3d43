package org.reprodiff.cli;

import org.reprodiff.util.UserException;

/** A verb that a later issue fills in says so plainly and exits 2. */
final class NotYet {
    private NotYet() {}

    static Integer fail(String verb, String issue) {
        throw new UserException("'" + verb + "' is not implemented yet (" + issue + ")");
    }
}
