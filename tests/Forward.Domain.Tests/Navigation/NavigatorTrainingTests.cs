using Forward.Domain.Navigation;

namespace Forward.Domain.Tests.Navigation;

public class NavigatorTrainingTests
{
    private static readonly DateOnly Today = new(2026, 6, 8);

    [Fact]
    public void Trained_needs_a_date() =>
        Assert.Equal(["TrainedOn"], new NavigatorTraining { StaffName = "Sam", Trained = true }.Validate(Today).Keys);

    [Fact]
    public void A_date_without_trained_is_refused() =>
        Assert.Equal(["TrainedOn"], new NavigatorTraining { StaffName = "Sam", TrainedOn = Today }.Validate(Today).Keys);

    [Fact]
    public void A_future_date_is_refused() =>
        Assert.Equal(["TrainedOn"], new NavigatorTraining { StaffName = "Sam", Trained = true, TrainedOn = Today.AddDays(1) }.Validate(Today).Keys);

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1999, 12, 31)]
    public void A_date_before_the_service_years_is_refused_with_the_forms_message(int year, int month, int day)
    {
        var errors = new NavigatorTraining { StaffName = "Sam", Trained = true, TrainedOn = new DateOnly(year, month, day) }.Validate(Today);
        Assert.Equal(Forward.Domain.Time.DateBounds.Message, Assert.Single(errors, e => e.Key == "TrainedOn").Value);
    }

    [Fact]
    public void A_complete_record_is_valid() =>
        Assert.Empty(new NavigatorTraining { StaffName = "Sam", Trained = true, TrainedOn = Today, Course = "Active signposting" }.Validate(Today));

    [Theory]
    [InlineData("Ann Smith", "Ann Smith")]
    [InlineData("  Ann   Smith ", "Ann Smith")]
    [InlineData("Ann\tSmith", "Ann Smith")]
    [InlineData("Ann\u00a0Smith", "Ann Smith")]
    [InlineData("   ", "")]
    [InlineData(null, "")]
    [InlineData("Zoe\u0308 A\u030adams\u200b", "Zo\u00eb \u00c5dams")]
    [InlineData("Ann\ud800 Smith", "Ann\ud800 Smith")] // not valid UTF-16: kept, not thrown on
    public void Names_are_kept_trimmed_with_single_spaces(string? typed, string kept) =>
        Assert.Equal(kept, NavigatorTraining.CleanName(typed));

    [Theory]
    [InlineData("ann  smith", "Ann Smith")]
    [InlineData("ANN SMITH", " Ann Smith")]
    [InlineData("José Núñez", "JOSÉ NÚÑEZ")]
    [InlineData("Zo\u00eb \u00c5dams", "Zoe\u0308 A\u030adams")] // composed as typed, decomposed as pasted from some PDFs
    [InlineData("Zoë Adams", "Zoë\u200b Adams")] // a zero-width space pasted with it
    [InlineData("Zoë Adams", "\ufeffZoë Adams")]
    public void Names_that_differ_only_in_case_or_spacing_share_a_key(string one, string other) =>
        Assert.Equal(NavigatorTraining.KeyFor(one), NavigatorTraining.KeyFor(other));

    [Theory]
    [InlineData("Ann Smith", "Anne Smith")]
    [InlineData("Ann Smith", "AnnSmith")]
    public void Different_names_have_different_keys(string one, string other) =>
        Assert.NotEqual(NavigatorTraining.KeyFor(one), NavigatorTraining.KeyFor(other));
}
