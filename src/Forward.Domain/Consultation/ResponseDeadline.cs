using Forward.Domain.Calendar;
using Forward.Domain.Time;

namespace Forward.Domain.Consultation;

/// <summary>
/// How long a practice has to reply: by <see cref="RespondBy"/> (London time) on the <see cref="WorkingDays"/>th working
/// day after the day the request counts as received. A request counts as received on the day it arrives if that is a
/// working day and it arrives before <see cref="CutOff"/>; otherwise on the next working day.
/// </summary>
public sealed record ResponseDeadlinePolicy
{
    public static ResponseDeadlinePolicy Default { get; } = new();

    /// <summary>London wall-clock time the reply is due by on the deadline day.</summary>
    public TimeOnly RespondBy { get; init; } = new(18, 30);

    /// <summary>Requests arriving at or after this London time count as received the next working day (the practice has closed).</summary>
    public TimeOnly CutOff { get; init; } = new(18, 30);

    /// <summary>Working days after the received day; 1 = "by the end of the next working day".</summary>
    public int WorkingDays { get; init; } = 1;
}

/// <summary>Working days are Monday to Friday except England's bank holidays.</summary>
public static class ResponseDeadline
{
    public static bool IsWorkingDay(DateOnly date, BankHolidayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !calendar.IsBankHoliday(date);
    }

    /// <summary>The first working day strictly after <paramref name="date"/>.</summary>
    public static DateOnly NextWorkingDay(DateOnly date, BankHolidayCalendar calendar)
    {
        var d = date.AddDays(1);
        while (!IsWorkingDay(d, calendar))
        {
            d = d.AddDays(1);
        }

        return d;
    }

    /// <summary>The London day a request submitted at <paramref name="submittedUtc"/> counts as received.</summary>
    public static DateOnly ReceivedDay(DateTime submittedUtc, ResponseDeadlinePolicy policy, BankHolidayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var local = London.ToLocal(submittedUtc);
        var day = DateOnly.FromDateTime(local);
        return IsWorkingDay(day, calendar) && TimeOnly.FromDateTime(local) < policy.CutOff ? day : NextWorkingDay(day, calendar);
    }

    /// <summary>
    /// The deadline as a UTC instant. Computed on London dates and converted once at the end, so it is 18:30 on the
    /// clock on the wall whether that day is in GMT or BST.
    /// </summary>
    public static DateTime DeadlineUtc(DateTime submittedUtc, ResponseDeadlinePolicy policy, BankHolidayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.WorkingDays < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(policy), "Working days cannot be negative.");
        }

        var day = ReceivedDay(submittedUtc, policy, calendar);
        for (var i = 0; i < policy.WorkingDays; i++)
        {
            day = NextWorkingDay(day, calendar);
        }

        // UK clocks change early on a Sunday, never a working day, so the skipped hour cannot be the respond-by time;
        // should a calendar ever make it so, answer an hour later rather than fail.
        return London.ToUtc(day, policy.RespondBy) ?? London.ToUtc(day, policy.RespondBy.AddHours(1))!.Value;
    }
}
