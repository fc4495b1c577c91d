using Forward.Domain.Hubs;

namespace Forward.Domain.Tests.Hubs;

public class HubHoursTests
{
    private static TimeOnly At(int hour, int minute = 0) => new(hour, minute);

    [Fact]
    public void Sessions_on_the_same_days_that_meet_or_overlap_are_one_stretch_and_groups_follow_the_week()
    {
        var hours = HubHours.Describe(
        [
            new(SessionDays.Sunday, At(10), At(12)),
            new(SessionDays.Weekdays, At(18, 30), At(20)),
            new(SessionDays.Weekdays, At(19), At(22)), // a second clinician, later
            new(SessionDays.Saturday, At(9), At(11)),
            new(SessionDays.Saturday, At(11), At(13)), // back to back
            new(SessionDays.Saturday, At(15), At(17)),
        ]);

        Assert.Equal("Mon–Fri 18:30–22:00; Sat 09:00–13:00, 15:00–17:00; Sun 10:00–12:00", hours);
    }

    [Fact]
    public void A_session_to_midnight_ends_at_24_00_and_bank_holidays_are_named()
    {
        Assert.Equal("Sat–Sun, bank holidays 12:00–24:00", HubHours.Describe([new(SessionDays.Weekends | SessionDays.BankHolidays, At(12), TimeOnly.MinValue)]));
    }

    [Fact]
    public void Days_with_the_same_hours_are_told_together_whichever_sessions_give_them()
    {
        // A weekday clinic and a Monday and Wednesday one inside its hours (Bedford's BED-H05 was "Mon–Fri 18:30–20:00;
        // Mon, Wed 18:30–20:00"); a Tuesday clinic running later splits Tuesday off.
        Assert.Equal("Mon–Fri 18:30–20:00", HubHours.Describe([new(SessionDays.Weekdays, At(18, 30), At(20)), new(SessionDays.Monday | SessionDays.Wednesday, At(18, 30), At(20))]));
        Assert.Equal(
            "Mon, Wed, Thu, Fri 18:30–20:00; Tue 18:30–21:00",
            HubHours.Describe([new(SessionDays.Weekdays, At(18, 30), At(20)), new(SessionDays.Tuesday, At(19), At(21))]));
    }

    [Fact]
    public void Seven_days_with_the_same_hours_are_mon_to_sun_and_bank_holidays_only_when_they_run()
    {
        // Westcotes' weekday and weekend clinics read "Mon–Fri, Sat–Sun 08:00–20:00".
        Assert.Equal("Mon–Sun 08:00–20:00", HubHours.Describe([new(SessionDays.Weekdays, At(8), At(20)), new(SessionDays.Weekends, At(8), At(20))]));
        Assert.Equal("Mon–Sun, bank holidays 08:00–20:00", HubHours.Describe([new(SessionDays.Weekdays, At(8), At(20)), new(SessionDays.Weekends | SessionDays.BankHolidays, At(8), At(20))]));
    }

    [Fact]
    public void No_sessions_say_so() => Assert.Equal(HubHours.None, HubHours.Describe([]));
}
