namespace Forward.Domain.Compliance;

/// <summary>
/// Shares an amount among parties in proportion to their weights (a hub's minutes among the practices it serves, by
/// list size). Shares are rounded to <see cref="ExtendedHours.MinutePrecision"/> decimal places by the largest
/// remainder method, so they always add back to exactly the amount: no minute is created or lost by sharing, and every
/// later sum of shares is exact decimal arithmetic.
/// </summary>
public static class Apportionment
{
    private static readonly decimal Unit = Pow10(ExtendedHours.MinutePrecision);

    /// <summary>
    /// The share of each weight, in the order given; null when the weights add up to zero (nobody to share with).
    /// Ties in the rounding go to the earlier party, so pass parties in a stable order.
    /// </summary>
    public static IReadOnlyList<decimal>? Share(decimal amount, IReadOnlyList<long> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        if (decimal.Round(amount, ExtendedHours.MinutePrecision) != amount)
        {
            throw new ArgumentException($"Amounts to share must have at most {ExtendedHours.MinutePrecision} decimal places.", nameof(amount));
        }

        Int128 total = 0;
        foreach (var w in weights)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(w, nameof(weights));
            total += w;
        }

        if (total == 0)
        {
            return null;
        }

        var units = (Int128)(amount * Unit);
        var shares = new Int128[weights.Count];
        var remainders = new Int128[weights.Count];
        Int128 given = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var exact = units * weights[i];
            shares[i] = exact / total;
            remainders[i] = exact % total;
            given += shares[i];
        }

        var left = (int)(units - given);
        foreach (var i in Enumerable.Range(0, weights.Count).OrderByDescending(i => remainders[i]).ThenBy(i => i).Take(left))
        {
            shares[i] += 1;
        }

        return shares.Select(s => (decimal)s / Unit).ToList();
    }

    private static decimal Pow10(int power)
    {
        var result = 1m;
        for (var i = 0; i < power; i++)
        {
            result *= 10m;
        }

        return result;
    }
}
