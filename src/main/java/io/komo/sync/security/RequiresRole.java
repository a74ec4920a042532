package io.komo.sync.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The least role a management API method needs. A method of {@code /api} without it (on the method
 * or its class) needs {@link Role#ADMIN}, so forgetting it fails closed.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequiresRole {
    Role value();
}
