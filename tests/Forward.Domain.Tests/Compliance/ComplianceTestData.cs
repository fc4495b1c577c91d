using System.Globalization;
using Forward.Domain.Booking;
using Forward.Domain.Calendar;
using Forward.Domain.Compliance;
using Forward.Domain.Hubs;
using Forward.Domain.Time;

namespace Forward.Domain.Tests.Compliance;

/// <summary>Hand-built inputs: London wall-clock times in, UTC instants out, so each case reads as a rota would.</summary>
internal static class ComplianceTestData
{
    public static readonly BankHolidayCalendar Holidays = BankHolidayCalendar.England;

    public static DateOnly D(string s) => DateOnly.Parse(s, CultureInfo.InvariantCulture);

    public static DateRange Range(string from, string to) => new(D(from), D(to));

    /// <summary>The UTC instant of a London wall-clock time, e.g. At("2026-06-16", "18:30") is 17:30 UTC.</summary>
    public static DateTime At(string date, string time) =>
        London.ToUtc(D(date), TimeOnly.Parse(time, CultureInfo.InvariantCulture)) ?? throw new ArgumentException("No such London time.");

    public static DateTime Utc(string s) => DateTime.SpecifyKind(DateTime.Parse(s, CultureInfo.InvariantCulture), DateTimeKind.Utc);

    public static OfferedSlot Slot(int hub, DateTime start, int minutes, int session = 1, SlotStatus status = SlotStatus.Free, DeliveryMode mode = DeliveryMode.FaceToFace) =>
        new(hub, session, start, start.AddMinutes(minutes), mode, ClinicianRole.GeneralPractitioner, status);

    /// <summary>Back-to-back slots from a London wall-clock start, as the slot generator lays them.</summary>
    public static IEnumerable<OfferedSlot> Block(int hub, string date, string from, int count, int minutes, int session = 1, SlotStatus status = SlotStatus.Free)
    {
        var start = At(date, from);
        return Enumerable.Range(0, count).Select(i => Slot(hub, start.AddMinutes(i * minutes), minutes, session, status));
    }

    /// <summary>Slots the real slot generator makes for a rota entry, so the compliance rules are tested against them.</summary>
    public static IEnumerable<OfferedSlot> FromRota(int hub, int session, SessionDays days, string start, string end, int slotMinutes, DateRange range, int clinicians = 1)
    {
        var rota = new Session
        {
            Id = session,
            HubId = hub,
            Name = "Test clinic",
            Days = days,
            StartTime = TimeOnly.Parse(start, CultureInfo.InvariantCulture),
            EndTime = TimeOnly.Parse(end, CultureInfo.InvariantCulture),
            Role = ClinicianRole.GeneralPractitioner,
            Mode = DeliveryMode.FaceToFace,
            SlotMinutes = slotMinutes,
            Clinicians = clinicians,
            ValidFrom = new DateOnly(2016, 1, 1),
        };
        return SlotGenerator.Generate(rota, range.From, range.To, Holidays)
            .Select(p => new OfferedSlot(p.HubId, p.SessionId, p.StartUtc, p.EndUtc, p.Mode, p.Role, SlotStatus.Free));
    }

    public static BookedAppointment Appointment(
        long id,
        int practice,
        DateTime start,
        AppointmentStatus status = AppointmentStatus.Booked,
        BookingChannel channel = BookingChannel.Practice,
        DeliveryMode mode = DeliveryMode.FaceToFace,
        DateTime? created = null,
        int hub = 1,
        int session = 1,
        int slotCount = 1) =>
        new(id, practice, hub, session, start, created ?? start.AddDays(-2), status, channel, mode, slotCount);

    public static ComplianceLedger Ledger(
        DateRange range,
        IEnumerable<PracticePopulation> practices,
        IEnumerable<HubCoverage> hubs,
        IEnumerable<OfferedSlot> slots,
        IEnumerable<BookedAppointment>? appointments = null,
        ComplianceRules? rules = null) =>
        ComplianceLedger.Build(new ComplianceInput(range, practices.ToList(), hubs.ToList(), slots.ToList(), (appointments ?? []).ToList()), Holidays, rules);

    public static HubCoverage Serves(int hub, params int[] practices) => new(hub, practices);

    public static PracticePopulation Practice(int id, int listSize) => new(id, listSize);
}
