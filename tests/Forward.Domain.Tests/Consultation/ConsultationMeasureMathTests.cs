using Forward.Domain.Consultation;
using FsCheck.Xunit;

namespace Forward.Domain.Tests.Consultation;

public class ConsultationMeasureMathTests
{
    private static readonly DateTime Deadline = new(2026, 6, 9, 17, 30, 0, DateTimeKind.Utc);

    [Fact]
    public void Closed_exactly_at_the_deadline_is_on_time() =>
        Assert.True(ConsultationMeasureMath.AnsweredWithinDeadline(Deadline, Deadline));

    [Fact]
    public void Closed_a_second_late_is_not_on_time() =>
        Assert.False(ConsultationMeasureMath.AnsweredWithinDeadline(Deadline, Deadline.AddSeconds(1)));

    [Fact]
    public void An_open_request_is_not_on_time() =>
        Assert.False(ConsultationMeasureMath.AnsweredWithinDeadline(Deadline, null));

    [Fact]
    public void Share_is_a_fraction_and_null_with_nothing_due()
    {
        Assert.Equal(0.75m, ConsultationMeasureMath.Share(3, 4));
        Assert.Equal(0m, ConsultationMeasureMath.Share(0, 4));
        Assert.Null(ConsultationMeasureMath.Share(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConsultationMeasureMath.Share(5, 4));
    }

    [Fact]
    public void Per_1000_uses_the_list_size()
    {
        Assert.Equal(0.2m, ConsultationMeasureMath.Per1000(5, 25000));
        Assert.Equal(4m, ConsultationMeasureMath.Per1000(60, 15000));
        Assert.Null(ConsultationMeasureMath.Per1000(3, 0));
    }

    [Fact]
    public void Median_of_an_odd_count_is_the_middle_value() =>
        Assert.Equal(5d, ConsultationMeasureMath.Median([9, 1, 5]));

    [Fact]
    public void Median_of_an_even_count_is_the_mean_of_the_middle_two() =>
        Assert.Equal(4d, ConsultationMeasureMath.Median([10, 1, 3, 5]));

    [Fact]
    public void Median_and_mean_of_nothing_are_null()
    {
        Assert.Null(ConsultationMeasureMath.Median([]));
        Assert.Null(ConsultationMeasureMath.Mean([]));
    }

    [Fact]
    public void Mean_is_the_average() => Assert.Equal(4.75d, ConsultationMeasureMath.Mean([10, 1, 3, 5]));

    [Fact]
    public void Hours_to_close_are_plain_elapsed_hours_across_a_weekend() =>
        Assert.Equal(72d, ConsultationMeasureMath.HoursToClose(new DateTime(2026, 6, 12, 9, 0, 0, DateTimeKind.Utc), new DateTime(2026, 6, 15, 9, 0, 0, DateTimeKind.Utc)));

    [Property]
    public bool Median_lies_between_the_smallest_and_largest(int[] raw)
    {
        if (raw.Length == 0)
        {
            return ConsultationMeasureMath.Median([]) is null;
        }

        var values = raw.Select(v => (double)v).ToArray();
        var median = ConsultationMeasureMath.Median(values)!.Value;
        return median >= values.Min() && median <= values.Max();
    }

    [Property]
    public bool Median_has_as_many_values_at_or_below_as_at_or_above(int[] raw)
    {
        var values = raw.Select(v => (double)v).ToArray();
        if (values.Length == 0)
        {
            return true;
        }

        var median = ConsultationMeasureMath.Median(values)!.Value;
        return values.Count(v => v <= median) * 2 >= values.Length && values.Count(v => v >= median) * 2 >= values.Length;
    }
}
