package io.komo.sync.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** An installation with no integration yet gets the same list shape as every other list of the API. */
class IntegrationListJsonTest {

    @Test
    void anEmptyListStillHasItemsAndNoLoadErrorsKey() throws Exception {
        ObjectMapper json = new ObjectMapper();

        assertThat(json.writeValueAsString(new IntegrationResource.IntegrationList(List.of(), null, List.of())))
                .isEqualTo("{\"items\":[],\"nextCursor\":null}");
    }
}
