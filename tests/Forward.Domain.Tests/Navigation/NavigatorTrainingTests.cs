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

    [Fact]
    public void A_complete_record_is_valid() =>
        Assert.Empty(new NavigatorTraining { StaffName = "Sam", Trained = true, TrainedOn = Today, Course = "Active signposting" }.Validate(Today));
}
