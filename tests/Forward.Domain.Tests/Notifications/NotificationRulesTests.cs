using Forward.Domain.Notifications;

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

    [Fact]
    public void A_cancellation_notice_is_not_texted_to_a_landline()
    {
        Assert.Equal(
            [new PlannedMessage(NotificationKind.CancellationNotice, NotificationChannel.Email, "a@example.com", Now)],
            NotificationRules.OnCancellation([], new PatientContact("01632 960001", "a@example.com"), Now));
        Assert.Empty(NotificationRules.OnCancellation([], new PatientContact("0116 000 0000", null), Now));
    }
}
