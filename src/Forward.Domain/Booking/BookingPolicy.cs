namespace Forward.Domain.Booking;

/// <summary>How far ahead a channel may book: NHS 111 same day to 48 hours (Leicester City hubs), practices up to two weeks.</summary>
public sealed class BookingWindow
{
    /// <summary>How long before the start a slot can still be booked (0 = up to the start time).</summary>
    public TimeSpan MinimumNotice { get; set; }

    public TimeSpan MaximumAhead { get; set; }
}

/// <summary>Per-channel booking windows, bound from configuration section "Forward:Booking:Windows".</summary>
public sealed class BookingPolicy
{
    public Dictionary<BookingChannel, BookingWindow> Windows { get; } = new()
    {
        [BookingChannel.Practice] = new() { MaximumAhead = TimeSpan.FromDays(14) },
        [BookingChannel.Nhs111] = new() { MaximumAhead = TimeSpan.FromHours(48) },
        [BookingChannel.Hub] = new() { MaximumAhead = TimeSpan.FromDays(14) },
        [BookingChannel.Online] = new() { MinimumNotice = TimeSpan.FromHours(2), MaximumAhead = TimeSpan.FromDays(14) },
    };

    /// <summary>
    /// What is wrong with the windows, or null. Each would otherwise pass unnoticed: a window that ends at or before now,
    /// or whose notice is as long as the window, lists no slot to its channel and refuses every booking.
    /// </summary>
    public string? Problem()
    {
        foreach (var (channel, window) in Windows)
        {
            var key = $"Forward:Booking:Windows:{channel}";
            if (window.MaximumAhead <= TimeSpan.Zero)
            {
                return $"{key}:MaximumAhead must be a time span greater than zero (for example 14.00:00:00 for 14 days), not {window.MaximumAhead}.";
            }

            if (window.MinimumNotice < TimeSpan.Zero)
            {
                return $"{key}:MinimumNotice must be a time span of zero or more (for example 02:00:00 for 2 hours), not {window.MinimumNotice}.";
            }

            if (window.MinimumNotice >= window.MaximumAhead)
            {
                return $"{key}:MinimumNotice ({window.MinimumNotice}) must be less than {key}:MaximumAhead ({window.MaximumAhead}): no slot could be booked between them.";
            }
        }

        return null;
    }

    public BookingWindow WindowFor(BookingChannel channel) =>
        Windows.TryGetValue(channel, out var w) ? w : throw DomainException.Invalid("unknown-channel", $"No booking window is set for channel {channel}.");
}
