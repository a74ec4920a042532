package io.komo.sync.runtime;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import io.komo.sync.connector.spi.ConnectorContext;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.security.CredentialStore;

/**
 * Builds the context a connector works in: what it needs of the definition, and the decrypted secrets of the
 * credentials it names ({@code auth.credential}, {@code auth.secretCredential}). A missing credential
 * gives an empty map: the platform then answers 401, which is classified and reported like any auth failure.
 */
@ApplicationScoped
public class ConnectorContexts {

    private static final Logger LOG = Logger.getLogger(ConnectorContexts.class);

    @Inject
    CredentialStore credentials;

    public ConnectorContext forDefinition(IntegrationDefinition definition) {
        IntegrationDefinition.Auth auth = definition.auth();
        return of(definition, secrets(definition.id(), auth == null ? null : auth.credential()),
                secrets(definition.id(), auth == null ? null : auth.secretCredential()));
    }

    /** The part of a definition a connector sees, with the given secrets. */
    public static ConnectorContext of(IntegrationDefinition definition, Map<String, String> credential,
            Map<String, String> webhookSecret) {
        IntegrationDefinition.Auth auth = definition.auth();
        IntegrationDefinition.Endpoint endpoint = definition.endpoint();
        return new ConnectorContext(definition.id(),
                endpoint == null
                        ? null
                        : new ConnectorContext.Endpoint(endpoint.baseUrl(), endpoint.path(),
                                endpoint.method(), endpoint.headers(), endpoint.template()),
                auth == null ? null : auth.type(), definition.batchSize(), definition.options(), credential,
                webhookSecret);
    }

    private Map<String, String> secrets(String integrationId, String credentialId) {
        if (credentialId == null || credentialId.isBlank()) {
            return Map.of();
        }
        return credentials.secrets(credentialId).orElseGet(() -> {
            LOG.warnf("Integration %s names credential %s, which is not stored", integrationId, credentialId);
            return Map.of();
        });
    }
}
