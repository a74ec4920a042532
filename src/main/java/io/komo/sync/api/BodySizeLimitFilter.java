package io.komo.sync.api;

import java.util.List;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Refuses oversized bodies with a problem document before anything reads them. */
@Provider
@PreMatching
public class BodySizeLimitFilter implements ContainerRequestFilter {

    @ConfigProperty(name = "komo.api.max-body-bytes")
    long maxBodyBytes;

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getLength() > maxBodyBytes) {
            request.abortWith(Problem.of(413, "Payload Too Large",
                    "The body has " + request.getLength() + " bytes; the limit is " + maxBodyBytes, List.of())
                    .toResponse());
        }
    }
}
