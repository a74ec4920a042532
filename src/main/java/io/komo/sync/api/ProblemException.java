package io.komo.sync.api;

import java.time.Duration;
import java.util.List;

import jakarta.ws.rs.core.Response;

/** Thrown by services to answer the caller with a problem document instead of a result. */
public class ProblemException extends RuntimeException {

    private final Problem problem;
    /** When the caller may try again (a Retry-After header), or null. */
    private final Duration retryAfter;

    public ProblemException(Problem problem) {
        this(problem, null);
    }

    private ProblemException(Problem problem, Duration retryAfter) {
        super(problem.detail());
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of(Response.Status.NOT_FOUND, detail));
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(Problem.of(Response.Status.CONFLICT, detail));
    }

    public static ProblemException invalid(List<FieldError> errors) {
        return new ProblemException(Problem.of(400, "Invalid request",
                errors.size() == 1
                        ? errors.get(0).field() + ": " + errors.get(0).message()
                        : errors.size() + " fields are invalid",
                errors));
    }

    public static ProblemException invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    /** 503: the service cannot take the request now; the caller may retry after {@code retryAfter}. */
    public static ProblemException unavailable(String detail, Duration retryAfter) {
        return new ProblemException(Problem.of(Response.Status.SERVICE_UNAVAILABLE, detail), retryAfter);
    }

    public Problem problem() {
        return problem;
    }

    /** The problem document, with its Retry-After header when it has one. */
    public Response toResponse() {
        Response response = problem.toResponse();
        return retryAfter == null
                ? response
                : Response.fromResponse(response).header("Retry-After", Math.max(1, retryAfter.toSeconds())).build();
    }
}
