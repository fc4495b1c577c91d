namespace Forward.Domain.Booking;

/// <summary>How far ahead a channel may book: NHS 111 same day to 48 hours (Leicester City hubs), practices up to two weeks.</summary>
public sealed class BookingWindow
{
    /// <summary>How long before the start a slot can still be booked (0 = up to the start time).</summary>
    public TimeSpan MinimumNotice { get; set; }

    public TimeSpan MaximumAhead { get; set; }
}

/// <summary>Per-channel booking windows, bound from configuration section "Booking:Windows".</summary>
public sealed class BookingPolicy
{
    public Dictionary<BookingChannel, BookingWindow> Windows { get; } = new()
    {
        [BookingChannel.Practice] = new() { MaximumAhead = TimeSpan.FromDays(14) },
        [BookingChannel.Nhs111] = new() { MaximumAhead = TimeSpan.FromHours(48) },
        [BookingChannel.Hub] = new() { MaximumAhead = TimeSpan.FromDays(14) },
        [BookingChannel.Online] = new() { MinimumNotice = TimeSpan.FromHours(2), MaximumAhead = TimeSpan.FromDays(14) },
    };

    public BookingWindow WindowFor(BookingChannel channel) =>
        Windows.TryGetValue(channel, out var w) ? w : throw DomainException.Invalid("unknown-channel", $"No booking window is set for channel {channel}.");
}
