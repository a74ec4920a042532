package io.komo.sync.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CopyRowsTest {

    @Test
    void columnsAreTabSeparatedRowsNewlineEndedAndNullIsBackslashN() {
        String text = new CopyRows().value("a").value(null).value(42).endRow().value("b").value("").value(null).endRow()
                .toString();

        assertThat(text).isEqualTo("a\t\\N\t42\nb\t\t\\N\n");
    }

    @Test
    void separatorsAndBackslashesInsideValuesAreEscaped() {
        String text = new CopyRows().value("tab\there").value("line\nbreak\r\n").value("back\\slash \\N").endRow()
                .toString();

        assertThat(text).isEqualTo("tab\\there\tline\\nbreak\\r\\n\tback\\\\slash \\\\N\n");
    }

    @Test
    void otherCharactersPassUnchanged() {
        assertThat(new CopyRows().value("Zoë → 名前 \"quoted\" 'x' ,;|").endRow().toString())
                .isEqualTo("Zoë → 名前 \"quoted\" 'x' ,;|\n");
    }
}
