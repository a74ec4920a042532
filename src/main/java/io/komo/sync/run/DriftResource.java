package io.komo.sync.run;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.komo.sync.api.ProblemException;
import io.komo.sync.security.RequiresRole;
import io.komo.sync.security.Role;

/** Drift check of an integration: compares Komo with the platform and, on request, repairs the differences. */
@Path("/api/integrations/{id}/drift-check")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresRole(Role.OPERATOR)
public class DriftResource {

    @Inject
    DriftCheckService drift;

    /** Body: {@code {"sample": N, "repair": false}}; sample 1..100000 (absent = all), repair defaults to false. */
    @POST
    public DriftCheckService.Result check(@PathParam("id") String integrationId, JsonNode body) {
        JsonNode sample = body == null ? null : body.get("sample");
        if (sample != null && !sample.isNull() && (!sample.isIntegralNumber() || !sample.canConvertToInt()
                || sample.asInt() < 1 || sample.asInt() > DriftCheckService.MAX_RECORDS)) {
            throw ProblemException.invalid("sample",
                    "must be a whole number from 1 to " + DriftCheckService.MAX_RECORDS);
        }
        JsonNode repair = body == null ? null : body.get("repair");
        if (repair != null && !repair.isNull() && !repair.isBoolean()) {
            throw ProblemException.invalid("repair", "must be true or false");
        }
        return drift.check(integrationId, sample == null || sample.isNull() ? null : sample.asInt(),
                repair != null && repair.asBoolean());
    }
}
