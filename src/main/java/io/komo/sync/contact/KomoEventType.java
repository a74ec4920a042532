package io.komo.sync.contact;

import java.util.Arrays;
import java.util.Optional;

/** The Komo events of API.md; each one may change the contact it concerns. */
public enum KomoEventType {
    POINTS_AWARDED("points.awarded"), TIER_CHANGED("tier.changed"), FORM_SUBMITTED(
            "form.submitted"), COMPETITION_ENTERED("competition.entered");

    private final String value;

    KomoEventType(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<KomoEventType> parse(String value) {
        return Arrays.stream(values()).filter(t -> t.value.equals(value)).findFirst();
    }
}
