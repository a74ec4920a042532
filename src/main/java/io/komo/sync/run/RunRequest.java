package io.komo.sync.run;

import java.time.Instant;

/**
 * The body of {@code POST /api/integrations/{id}/runs}.
 *
 * @param direction {@code outbound} sends Komo's contacts, {@code inbound} pulls the platform's records into Komo;
 *                  null: outbound when the integration sends, else inbound
 * @param from   date-range: contacts updated at or after this instant
 * @param to     date-range: contacts updated before this instant
 * @param filter selective: a contact filter expression (the syntax of {@code scope.filter})
 */
public record RunRequest(RunType type, Instant from, Instant to, String filter, String direction) {
}
