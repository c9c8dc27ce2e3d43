package org.reprodiff.util;

/** Bad input from the user: one line naming the file or option and the problem; exit code 2. */
public class UserException extends RuntimeException {
    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "where: problem" */
    public static UserException of(Object where, String problem) {
        return new UserException(where + ": " + problem);
    }
}
