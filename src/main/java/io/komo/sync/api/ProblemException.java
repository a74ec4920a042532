package io.komo.sync.api;

import java.util.List;

import jakarta.ws.rs.core.Response;

/** Thrown by services to answer the caller with a problem document instead of a result. */
public class ProblemException extends RuntimeException {

    private final Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of(Response.Status.NOT_FOUND, detail));
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(Problem.of(Response.Status.CONFLICT, detail));
    }

    public static ProblemException invalid(List<FieldError> errors) {
        return new ProblemException(Problem.of(400, "Invalid request",
                errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                        : errors.size() + " fields are invalid",
                errors));
    }

    public static ProblemException invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    public Problem problem() {
        return problem;
    }
}
