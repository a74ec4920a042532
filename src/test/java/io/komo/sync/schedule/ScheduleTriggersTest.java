package io.komo.sync.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.TimeZone;

import org.junit.jupiter.api.Test;
import org.quartz.CronScheduleBuilder;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;

class ScheduleTriggersTest {

    private static Trigger cron(String expression, String zone) {
        return TriggerBuilder.newTrigger().withIdentity(ScheduleTriggers.key("acme"))
                .withSchedule(CronScheduleBuilder.cronSchedule(expression).inTimeZone(TimeZone.getTimeZone(zone)))
                .build();
    }

    @Test
    void aStoredTriggerWithTheSameCronAndZoneIsKeptWhateverTheSpacing() {
        assertThat(
                ScheduleTriggers.isSame(cron("0 0 9 * * ?", "America/New_York"), " 0  0 9 * * ? ", "America/New_York"))
                .isTrue();
    }

    @Test
    void anotherCronOrAnotherZoneIsAChange() {
        Trigger stored = cron("0 0 9 * * ?", "America/New_York");
        assertThat(ScheduleTriggers.isSame(stored, "0 0 10 * * ?", "America/New_York")).isFalse();
        assertThat(ScheduleTriggers.isSame(stored, "0 0 9 * * ?", "Europe/Berlin")).isFalse();
    }

    @Test
    void aTriggerThatIsNotACronIsAChange() {
        Trigger simple = TriggerBuilder.newTrigger().withIdentity(ScheduleTriggers.key("acme"))
                .withSchedule(SimpleScheduleBuilder.repeatSecondlyForever()).build();
        assertThat(ScheduleTriggers.isSame(simple, "0 0 9 * * ?", "UTC")).isFalse();
    }
}
