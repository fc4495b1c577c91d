using Forward.Domain.Hubs;

namespace Forward.Domain.Booking;

/// <summary>A slot as the booking rules need to see it.</summary>
public sealed record SlotToBook(long Id, int SessionId, int HubId, DateTime StartUtc, DateTime EndUtc, ClinicianRole Role, DeliveryMode Mode, SlotStatus Status, int ClinicianIndex);

/// <summary>An appointment the patient already holds.</summary>
public sealed record HeldAppointment(long Id, DateTime StartUtc, DateTime EndUtc);

/// <summary>
/// The rules every booking obeys, whichever door it comes through (web form, JSON API, FHIR). The database adds
/// the last guard: a unique index means two concurrent bookings of one slot cannot both commit.
/// </summary>
public static class BookingRules
{
    public static void CheckCanBook(
        IReadOnlyList<SlotToBook> slots,
        BookingChannel channel,
        DateTime nowUtc,
        BookingPolicy policy,
        bool hubServesPatientsPractice,
        IEnumerable<HeldAppointment> patientsActiveAppointments,
        TimeSpan? hubMaximumAhead = null)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(patientsActiveAppointments);
        if (slots.Count == 0)
        {
            throw DomainException.Invalid("no-slot", "Choose a slot to book.");
        }

        CheckContiguous(slots);
        var start = slots.Min(s => s.StartUtc);
        var end = slots.Max(s => s.EndUtc);

        if (!hubServesPatientsPractice)
        {
            throw DomainException.Forbidden("practice-not-served", "This hub does not serve the patient's registered practice.");
        }

        CheckFree(slots.Select(s => s.Status));

        if (start <= nowUtc)
        {
            throw DomainException.Invalid("slot-in-past", "That slot has already started. Choose a later slot.");
        }

        var window = policy.WindowFor(channel);
        if (start - nowUtc < window.MinimumNotice)
        {
            throw DomainException.Invalid("too-soon", $"This channel must book at least {Format(window.MinimumNotice)} ahead.");
        }

        if (start - nowUtc > window.MaximumAhead)
        {
            throw DomainException.Invalid("outside-booking-window", $"This channel can book at most {Format(window.MaximumAhead)} ahead.");
        }

        if (start - nowUtc > hubMaximumAhead)
        {
            throw DomainException.Invalid("outside-booking-window", $"This hub takes bookings at most {Format(hubMaximumAhead.Value)} ahead.");
        }

        var clash = patientsActiveAppointments.FirstOrDefault(a => a.StartUtc < end && start < a.EndUtc);
        if (clash is not null)
        {
            throw DomainException.Conflict("overlapping-appointment", "The patient already has an appointment at that time.");
        }
    }

    /// <summary>Refuses (409 <c>slot-not-free</c>) slots of which any is booked or withdrawn, saying which.</summary>
    public static void CheckFree(IEnumerable<SlotStatus> statuses)
    {
        var taken = statuses.Where(s => s != SlotStatus.Free).ToList();
        if (taken.Count > 0)
        {
            // A withdrawn slot was taken off by the hub, not booked by anyone: "no longer free" would send the booker
            // looking for who booked it.
            throw DomainException.Conflict("slot-not-free", taken.Contains(SlotStatus.Booked)
                ? "That slot is no longer free. Choose another slot."
                : "The hub no longer offers that slot: its clinic is closed at that time, or its session has changed. Choose another slot.");
        }
    }

    /// <summary>
    /// Several slots make one appointment only when they run back to back in one session with the same clinician, role
    /// and mode: in a session with two clinicians, slots from each would put half the appointment on each one's list.
    /// </summary>
    public static void CheckContiguous(IReadOnlyList<SlotToBook> slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        if (slots.Select(s => s.Id).Distinct().Count() != slots.Count)
        {
            throw DomainException.Invalid("duplicate-slot", "The same slot was given more than once.");
        }

        var ordered = slots.OrderBy(s => s.StartUtc).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            var prev = ordered[i - 1];
            var next = ordered[i];
            if (next.SessionId != prev.SessionId || next.ClinicianIndex != prev.ClinicianIndex || next.Role != prev.Role || next.Mode != prev.Mode || next.StartUtc != prev.EndUtc)
            {
                throw DomainException.Invalid("slots-not-adjacent", "Several slots can be booked together only when they are back to back in the same session with the same clinician.");
            }
        }
    }

    private static string Format(TimeSpan span) =>
        span.TotalHours <= 72 && span.TotalHours == Math.Floor(span.TotalHours)
            ? $"{span.TotalHours:0} hours"
            : $"{span.TotalDays:0.#} days";
}
