using Forward.Domain.Notifications;
using Forward.Domain.Time;
using FsCheck;
using FsCheck.Xunit;

namespace Forward.Domain.Tests.Notifications;

public class NotificationRulesTests
{
    private static readonly DateTime Now = new(2026, 6, 8, 8, 0, 0, DateTimeKind.Utc);

    private static readonly DateTime Start = Now.AddDays(3);

    private static readonly TimeSpan Lead = TimeSpan.FromHours(24);

    [Fact]
    public void Texts_go_only_to_a_uk_mobile_in_the_form_the_consultation_form_keeps()
    {
        Assert.All(
            NotificationRules.OnBooking(Start, new PatientContact("+44 (0)7700 900123", null), Now, Lead),
            m => Assert.Equal((NotificationChannel.Sms, "07700900123"), (m.Channel, m.Recipient)));

        // A landline, or another country's number on a record made before the booking form refused them: email only.
        foreach (var phone in new[] { "01632 960001", "+1 212 555 0100" })
        {
            var plan = NotificationRules.OnBooking(Start, new PatientContact(phone, "a@example.com"), Now, Lead);
            Assert.Equal(
                [
                    new PlannedMessage(NotificationKind.BookingConfirmation, NotificationChannel.Email, "a@example.com", Now),
                    new PlannedMessage(NotificationKind.Reminder, NotificationChannel.Email, "a@example.com", Start - Lead),
                ],
                plan);
            Assert.Empty(NotificationRules.OnBooking(Start, new PatientContact(phone, null), Now, Lead));
        }
    }

    /// <summary>London wall-clock times in, London wall-clock times out: the rule is about the patient's night.</summary>
    private static DateTime Local(int month, int day, int hour, int minute = 0) =>
        London.ToUtc(new DateOnly(2026, month, day), new TimeOnly(hour, minute))!.Value;

    [Theory]
    [InlineData(6, 10, 18, 30, 24, 6, 9, 18, 30)] // an evening appointment: 24 hours before, as configured
    [InlineData(6, 13, 8, 0, 24, 6, 12, 8, 0)] // a Saturday 08:00: 08:00 the day before is morning already
    [InlineData(6, 11, 21, 0, 24, 6, 10, 21, 0)] // 21:00 is still evening
    [InlineData(6, 13, 7, 0, 24, 6, 12, 8, 0)] // an early-morning session: 07:00 the day before is still night, so at 08:00
    [InlineData(6, 11, 2, 0, 24, 6, 10, 8, 0)] // an overnight session: not at 02:00, but at 08:00
    [InlineData(6, 11, 22, 30, 24, 6, 11, 8, 0)] // a late session: the morning of the day itself
    [InlineData(6, 11, 8, 30, 1, 6, 10, 21, 0)] // a one-hour lead ending at 07:30: 08:00 would be too late, so the evening before
    [InlineData(6, 11, 1, 0, 3, 6, 10, 21, 0)] // three hours before 01:00 is 22:00: the evening before, at night's start
    [InlineData(10, 26, 7, 0, 24, 10, 25, 8, 0)] // the day the clocks go back: 08:00 GMT
    [InlineData(3, 30, 7, 30, 24, 3, 29, 8, 0)] // the day the clocks go forward: 08:00 BST
    public void A_reminder_due_at_night_goes_in_the_morning_or_if_that_is_too_late_the_evening_before(
        int month, int day, int hour, int minute, int leadHours, int dueMonth, int dueDay, int dueHour, int dueMinute)
    {
        Assert.Equal(
            Local(dueMonth, dueDay, dueHour, dueMinute),
            NotificationRules.ReminderDue(Local(month, day, hour, minute), TimeSpan.FromHours(leadHours)));
    }

    [Property(MaxTest = 500)]
    public bool A_reminder_is_never_due_at_night_nor_within_an_hour_of_the_start_nor_a_night_away_from_its_lead(PositiveInt minutesIntoYear, PositiveInt leadMinutes)
    {
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(minutesIntoYear.Get % (365 * 24 * 60));
        var lead = TimeSpan.FromMinutes(60 + (leadMinutes.Get % (167 * 60)));
        var due = NotificationRules.ReminderDue(start, lead);
        var time = TimeOnly.FromDateTime(London.ToLocal(due));
        return time >= NotificationRules.NightUntil && time <= NotificationRules.NightFrom
            && due <= start - TimeSpan.FromHours(NotificationRules.ShortestReminderLeadHours)
            && (due - (start - lead)).Duration() <= TimeSpan.FromHours(12);
    }

    [Theory]
    [InlineData(6, 9, 14, 0, 6, 10, 18, 30, 6, 9, 14, 0)] // in the day: now
    [InlineData(6, 9, 21, 0, 6, 10, 18, 30, 6, 9, 21, 0)] // 21:00 is still evening
    [InlineData(6, 10, 21, 10, 6, 11, 8, 30, 6, 10, 21, 10)] // one planned for 21:00, picked up a moment later: not dropped
    [InlineData(6, 9, 21, 11, 6, 10, 18, 30, 6, 10, 8, 0)] // past 21:00 and the dispatcher's slack: night
    [InlineData(6, 9, 23, 30, 6, 10, 18, 30, 6, 10, 8, 0)] // late at night: in the morning
    [InlineData(6, 10, 3, 0, 6, 10, 18, 30, 6, 10, 8, 0)] // small hours: this morning
    [InlineData(10, 24, 23, 30, 10, 25, 19, 0, 10, 25, 8, 0)] // the night the clocks go back: 08:00 GMT
    [InlineData(3, 28, 23, 30, 3, 29, 19, 0, 3, 29, 8, 0)] // the night the clocks go forward: 08:00 BST
    public void A_reminder_falling_due_at_night_waits_for_the_morning(int month, int day, int hour, int minute, int startMonth, int startDay, int startHour, int startMinute, int dueMonth, int dueDay, int dueHour, int dueMinute)
    {
        Assert.Equal(
            Local(dueMonth, dueDay, dueHour, dueMinute),
            NotificationRules.ReminderSendableFrom(Local(month, day, hour, minute), Local(startMonth, startDay, startHour, startMinute)));
    }

    [Fact]
    public void A_reminder_falling_due_at_night_is_dropped_when_the_morning_is_within_an_hour_of_the_start()
    {
        Assert.Null(NotificationRules.ReminderSendableFrom(Local(6, 10, 2, 0), Local(6, 10, 8, 30)));
        Assert.Equal(Local(6, 10, 8, 0), NotificationRules.ReminderSendableFrom(Local(6, 10, 2, 0), Local(6, 10, 9, 0)));
    }

    [Property(MaxTest = 500)]
    public bool A_late_reminder_goes_now_or_later_never_at_night_nor_within_an_hour_of_the_start(PositiveInt minutesIntoYear, PositiveInt minutesToStart)
    {
        var now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(minutesIntoYear.Get % (365 * 24 * 60));
        var start = now.AddMinutes(60 + (minutesToStart.Get % (48 * 60)));
        if (NotificationRules.ReminderSendableFrom(now, start) is not { } at)
        {
            return true;
        }

        var time = TimeOnly.FromDateTime(London.ToLocal(at));
        return at >= now && time >= NotificationRules.NightUntil && time <= NotificationRules.NightFrom.Add(NotificationRules.NightSendingSlack)
            && (at == now || at <= start - TimeSpan.FromHours(NotificationRules.ShortestReminderLeadHours));
    }

    [Fact]
    public void A_booking_plans_its_reminder_for_the_morning_when_its_lead_ends_at_night()
    {
        var start = Local(6, 13, 7, 0);
        var plan = NotificationRules.OnBooking(start, new PatientContact(null, "a@example.com"), Now, Lead);

        Assert.Equal(Local(6, 12, 8, 0), Assert.Single(plan, m => m.Kind == NotificationKind.Reminder).DueUtc);
    }

    [Fact]
    public void A_cancellation_notice_is_not_texted_to_a_landline()
    {
        Assert.Equal(
            [new PlannedMessage(NotificationKind.CancellationNotice, NotificationChannel.Email, "a@example.com", Now)],
            NotificationRules.OnCancellation([], new PatientContact("01632 960001", "a@example.com"), Now));
        Assert.Empty(NotificationRules.OnCancellation([], new PatientContact("0116 000 0000", null), Now));
    }
}
