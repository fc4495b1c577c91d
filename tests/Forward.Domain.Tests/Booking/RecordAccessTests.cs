using Forward.Domain.Booking;

namespace Forward.Domain.Tests.Booking;

public sealed class RecordAccessTests
{
    // 00:30 BST on Tuesday 9 June 2026: still Monday 8 June in UTC, so the London date decides.
    private static readonly DateTime StartUtc = new(2026, 6, 8, 23, 30, 0, DateTimeKind.Utc);

    private static Appointment Booked(RecordSharingConsent consent = RecordSharingConsent.Granted) => new()
    {
        BookedBy = "practice",
        StartUtc = StartUtc,
        EndUtc = StartUtc.AddMinutes(15),
        Consent = consent,
        Status = AppointmentStatus.Booked,
    };

    [Theory]
    [InlineData("2026-06-07T22:59:00Z", "outside-appointment-window")] // 23:59 BST on 7 June: two days before
    [InlineData("2026-06-07T23:00:00Z", null)] // midnight BST: 8 June, the day before
    [InlineData("2026-06-09T12:00:00Z", null)]
    [InlineData("2026-06-10T22:59:00Z", null)] // 23:59 BST on 10 June: the day after
    [InlineData("2026-06-10T23:00:00Z", "outside-appointment-window")] // midnight: 11 June
    public void A_record_opens_from_the_london_day_before_to_the_day_after(string nowUtc, string? refusal)
    {
        var now = DateTime.Parse(nowUtc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.Equal(refusal, Booked().RecordAccessRefusal(now)?.Code);
    }

    [Fact]
    public void A_record_needs_consent_and_a_booked_appointment()
    {
        var now = StartUtc.AddHours(-1);
        Assert.Equal("no-consent", Booked(RecordSharingConsent.Refused).RecordAccessRefusal(now)?.Code);
        Assert.Equal("no-consent", Booked(RecordSharingConsent.NotAsked).RecordAccessRefusal(now)?.Code);

        var cancelled = Booked();
        cancelled.Cancel("Feeling better", now, "hub-clinician");
        Assert.Equal("appointment-cancelled", cancelled.RecordAccessRefusal(now)?.Code);

        var attended = Booked();
        attended.RecordOutcome(true, StartUtc.AddMinutes(5), "hub-clinician");
        Assert.Null(attended.RecordAccessRefusal(StartUtc.AddHours(2)));
    }

    [Theory]
    [InlineData("2026-05-01T12:00:00Z", null)] // weeks ahead: the hub may ring the patient
    [InlineData("2026-06-10T22:59:00Z", null)] // 23:59 BST on 10 June: the day after, the record's last day
    [InlineData("2026-06-10T23:00:00Z", "consent-too-late")] // midnight: 11 June
    public void Consent_is_recorded_until_the_london_day_after_the_appointment(string nowUtc, string? refusal)
    {
        var now = DateTime.Parse(nowUtc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        var appointment = Booked(RecordSharingConsent.NotAsked);
        var thrown = Record.Exception(() => appointment.RecordConsent(RecordSharingConsent.Granted, now));
        Assert.Equal(refusal, (thrown as DomainException)?.Code);
        Assert.Equal(refusal is null ? RecordSharingConsent.Granted : RecordSharingConsent.NotAsked, appointment.Consent);
        Assert.Equal(refusal is null ? 2 : 1, appointment.Version);
    }

    [Fact]
    public void Consent_is_an_answer_for_an_appointment_that_is_booked_or_attended()
    {
        var now = StartUtc.AddHours(-1);
        var notAsked = Assert.Throws<DomainException>(() => Booked().RecordConsent(RecordSharingConsent.NotAsked, now));
        Assert.Equal(DomainErrorKind.Validation, notAsked.Kind);

        var cancelled = Booked();
        cancelled.Cancel(null, now, "hub-clinician");
        Assert.Equal("cancelled", Assert.Throws<DomainException>(() => cancelled.RecordConsent(RecordSharingConsent.Granted, now)).Code);

        var missed = Booked(RecordSharingConsent.NotAsked);
        missed.RecordOutcome(false, StartUtc.AddMinutes(5), "hub-clinician");
        Assert.Equal("did-not-attend", Assert.Throws<DomainException>(() => missed.RecordConsent(RecordSharingConsent.Granted, StartUtc.AddMinutes(10))).Code);

        var attended = Booked(RecordSharingConsent.Refused);
        attended.RecordOutcome(true, StartUtc.AddMinutes(5), "hub-clinician");
        attended.RecordConsent(RecordSharingConsent.Granted, StartUtc.AddMinutes(10));
        Assert.Null(attended.RecordAccessRefusal(StartUtc.AddMinutes(10)));
    }
}
