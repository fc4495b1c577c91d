using Forward.Domain.Calendar;
using Forward.Domain.Consultation;
using Forward.Domain.Time;

namespace Forward.Domain.Tests.Consultation;

public class ResponseDeadlineTests
{
    private static readonly BankHolidayCalendar England = BankHolidayCalendar.England;

    /// <summary>The deadline for a submission at a London wall-clock time, as London wall-clock time.</summary>
    private static DateTime Deadline(int y, int m, int d, int hour, int minute = 0, ResponseDeadlinePolicy? policy = null)
    {
        var submitted = London.ToUtc(new DateOnly(y, m, d), new TimeOnly(hour, minute))!.Value;
        return London.ToLocal(ResponseDeadline.DeadlineUtc(submitted, policy ?? ResponseDeadlinePolicy.Default, England));
    }

    [Fact]
    public void Monday_morning_is_due_by_half_past_six_on_Tuesday() =>
        Assert.Equal(new DateTime(2026, 6, 9, 18, 30, 0), Deadline(2026, 6, 8, 9));

    [Fact]
    public void Friday_daytime_is_due_on_Monday() =>
        Assert.Equal(new DateTime(2026, 6, 15, 18, 30, 0), Deadline(2026, 6, 12, 10));

    [Fact]
    public void Friday_evening_after_the_cut_off_counts_from_Monday_so_is_due_on_Tuesday() =>
        Assert.Equal(new DateTime(2026, 6, 16, 18, 30, 0), Deadline(2026, 6, 12, 19));

    [Fact]
    public void Exactly_at_the_cut_off_counts_as_after_it() =>
        Assert.Equal(new DateTime(2026, 6, 10, 18, 30, 0), Deadline(2026, 6, 8, 18, 30));

    [Fact]
    public void A_minute_before_the_cut_off_counts_that_day() =>
        Assert.Equal(new DateTime(2026, 6, 9, 18, 30, 0), Deadline(2026, 6, 8, 18, 29));

    [Theory]
    [InlineData(13, 10)] // Saturday morning
    [InlineData(14, 23)] // Sunday night
    public void A_weekend_submission_counts_from_Monday(int day, int hour) =>
        Assert.Equal(new DateTime(2026, 6, 16, 18, 30, 0), Deadline(2026, 6, day, hour));

    [Fact]
    public void A_bank_holiday_Monday_is_skipped() =>
        // Friday 28 August 2026, then the summer bank holiday on Monday 31 August.
        Assert.Equal(new DateTime(2026, 9, 1, 18, 30, 0), Deadline(2026, 8, 28, 10));

    [Fact]
    public void A_submission_on_a_bank_holiday_counts_from_the_next_working_day() =>
        Assert.Equal(new DateTime(2026, 9, 2, 18, 30, 0), Deadline(2026, 8, 31, 9));

    [Fact]
    public void Christmas_and_the_substitute_Boxing_Day_are_skipped() =>
        // Thursday 24 December 2026 evening: Friday 25 is Christmas, 26-27 weekend, Monday 28 the Boxing Day substitute;
        // received Tuesday 29, due Wednesday 30.
        Assert.Equal(new DateTime(2026, 12, 30, 18, 30, 0), Deadline(2026, 12, 24, 20));

    [Fact]
    public void New_Years_Day_is_skipped() =>
        // Thursday 31 December 2026 morning: Friday 1 January 2027 is a bank holiday, so due Monday 4 January.
        Assert.Equal(new DateTime(2027, 1, 4, 18, 30, 0), Deadline(2026, 12, 31, 9));

    [Fact]
    public void Across_the_March_clock_change_the_deadline_is_half_past_six_BST()
    {
        // Friday 27 March 2026 (GMT) → Monday 30 March (BST after the change on Sunday 29th): 17:30 UTC.
        var submitted = London.ToUtc(new DateOnly(2026, 3, 27), new TimeOnly(10, 0))!.Value;
        var deadline = ResponseDeadline.DeadlineUtc(submitted, ResponseDeadlinePolicy.Default, England);
        Assert.Equal(new DateTime(2026, 3, 30, 17, 30, 0, DateTimeKind.Utc), deadline);
    }

    [Fact]
    public void Across_the_October_clock_change_the_deadline_is_half_past_six_GMT()
    {
        // Friday 23 October 2026 (BST) → Monday 26 October (GMT after the change on Sunday 25th): 18:30 UTC.
        var submitted = London.ToUtc(new DateOnly(2026, 10, 23), new TimeOnly(10, 0))!.Value;
        var deadline = ResponseDeadline.DeadlineUtc(submitted, ResponseDeadlinePolicy.Default, England);
        Assert.Equal(new DateTime(2026, 10, 26, 18, 30, 0, DateTimeKind.Utc), deadline);
    }

    [Fact]
    public void A_late_Sunday_submission_in_the_repeated_October_hour_counts_from_Monday()
    {
        // 01:30 on Sunday 25 October 2026 happens twice; either way it is a Sunday.
        var secondOneThirty = new DateTime(2026, 10, 25, 1, 30, 0, DateTimeKind.Utc);
        Assert.Equal(new DateTime(2026, 10, 27, 18, 30, 0), London.ToLocal(ResponseDeadline.DeadlineUtc(secondOneThirty, ResponseDeadlinePolicy.Default, England)));
    }

    [Fact]
    public void The_policy_is_configurable()
    {
        var policy = new ResponseDeadlinePolicy { RespondBy = new TimeOnly(17, 0), CutOff = new TimeOnly(12, 0), WorkingDays = 2 };
        // Monday 13:00 is after a noon cut-off: received Tuesday, two working days on is Thursday.
        Assert.Equal(new DateTime(2026, 6, 11, 17, 0, 0), Deadline(2026, 6, 8, 13, policy: policy));
    }
}
