namespace Forward.Domain.Time;

/// <summary>
/// The service dates Forward works with (clinics, bookings, reports, audit): the years 2000 to 2099. A date outside them
/// is a typing mistake or a probe; refusing it where it comes in keeps every later step (the next midnight, the end of
/// the week or month) inside <see cref="DateOnly"/>'s range. Not for dates of birth.
/// </summary>
public static class DateBounds
{
    public static readonly DateOnly Earliest = new(2000, 1, 1);

    public static readonly DateOnly Latest = new(2099, 12, 31);

    /// <summary>The message for a date outside the bounds, as forms and APIs show it.</summary>
    public const string Message = "Enter a date between 1 January 2000 and 31 December 2099";

    public static bool Contains(DateOnly date) => date >= Earliest && date <= Latest;

    /// <summary>True when the value is missing or inside the bounds.</summary>
    public static bool Allows(DateOnly? date) => date is not { } d || Contains(d);
}
