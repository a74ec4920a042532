package io.komo.sync.contact;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.komo.sync.api.Page;
import io.komo.sync.api.Paging;
import io.komo.sync.api.ProblemException;
import io.komo.sync.security.RequiresRole;
import io.komo.sync.security.Role;

/** The Komo side's contacts (API.md § Komo side). Writes need the operator role. */
@Path("/api/contacts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresRole(Role.OPERATOR)
public class ContactResource {

    @Inject
    ContactService contacts;

    @POST
    public Response create(JsonNode body, @QueryParam("merge") boolean merge) {
        ContactService.Saved saved = contacts.create(body, merge);
        if (!saved.created()) {
            return Response.ok(saved.contact()).build();
        }
        return Response.created(URI.create("/api/contacts/" + saved.contact().id())).entity(saved.contact()).build();
    }

    @GET
    @Path("/{id}")
    @RequiresRole(Role.VIEWER)
    public ContactView get(@PathParam("id") String id) {
        return contacts.get(Paging.pathId("contact", id));
    }

    @GET
    @RequiresRole(Role.VIEWER)
    public Page<ContactView> search(@QueryParam("email") String email, @QueryParam("tier") String tier,
            @QueryParam("list") String list, @QueryParam("updatedSince") String updatedSince,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return contacts.search(new ContactService.Search(Paging.textParam(email), Paging.textParam(tier),
                Paging.textParam(list), Paging.instantParam("updatedSince", updatedSince)), Paging.limit(limit),
                Paging.uuidParam("cursor", cursor));
    }

    @PUT
    @Path("/{id}")
    public ContactView replace(@PathParam("id") String id, JsonNode body) {
        return contacts.replace(Paging.pathId("contact", id), body);
    }

    @PATCH
    @Path("/{id}")
    public ContactView patch(@PathParam("id") String id, JsonNode body) {
        return contacts.patch(Paging.pathId("contact", id), body);
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id) {
        contacts.delete(Paging.pathId("contact", id));
        return Response.noContent().build();
    }

    /** Body: {@code {"contacts": [...]}} or a bare array; {@code merge} in the body or the query. */
    @POST
    @Path("/bulk")
    public ContactService.BulkResult bulk(JsonNode body, @QueryParam("merge") boolean merge) {
        JsonNode records = body != null && body.isObject() ? body.get("contacts") : body;
        if (records == null || !records.isArray()) {
            throw ProblemException.invalid("contacts", "must be an array of contacts");
        }
        List<JsonNode> list = new ArrayList<>(records.size());
        records.forEach(list::add);
        boolean mergeAll = merge || (body.isObject() && body.path("merge").asBoolean(false));
        return contacts.bulk(list, mergeAll);
    }
}
