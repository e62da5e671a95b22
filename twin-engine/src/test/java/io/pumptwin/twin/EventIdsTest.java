package io.pumptwin.twin;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdsTest {

    @Test
    void only_a_uuids_own_text_is_read_as_one_and_asking_again_gives_the_same_answer() {
        UUID u = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
        String text = u.toString();
        assertThat(EventIds.canonicalUuid(text)).isEqualTo(u);
        assertThat(EventIds.canonicalUuid(text)).isEqualTo(u); // the remembered answer
        assertThat(EventIds.canonicalUuid(new String(text.toCharArray()))).isEqualTo(u); // equal text, another object
        assertThat(EventIds.canonicalUuid(text.toUpperCase())).isNull();
        assertThat(EventIds.canonicalUuid("0f8fad5b-d9cb-469f-a165-70867728950")).isNull();
        assertThat(EventIds.canonicalUuid("0f8fad5bxd9cb-469f-a165-70867728950e")).isNull();
        assertThat(EventIds.canonicalUuid("PT-1-e7")).isNull();
        assertThat(EventIds.canonicalUuid(text)).isEqualTo(u); // after other texts
    }
}
