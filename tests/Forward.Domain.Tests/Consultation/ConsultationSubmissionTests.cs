using Forward.Domain.Consultation;

namespace Forward.Domain.Tests.Consultation;

public class ConsultationSubmissionTests
{
    private static readonly DateOnly Today = new(2026, 6, 8);

    private static ConsultationIdentity Valid() => new("943 476 5919", "Ada", "Lovelace", new DateOnly(1980, 1, 2), "ada@example.com", null);

    [Fact]
    public void A_valid_identity_has_no_errors() => Assert.Empty(Valid().Validate(Today));

    [Fact]
    public void Mobile_alone_is_enough() => Assert.Empty((Valid() with { Email = null, Mobile = "07700 900982" }).Validate(Today));

    [Fact]
    public void Email_or_mobile_is_required() =>
        Assert.Contains("email address or a mobile", (Valid() with { Email = " ", Mobile = null }).Validate(Today)["Email"], StringComparison.Ordinal);

    [Theory]
    [InlineData("NhsNumber", "9434765918")]
    [InlineData("NhsNumber", "")]
    [InlineData("GivenName", "")]
    [InlineData("FamilyName", "")]
    [InlineData("GivenName", "1234")]
    [InlineData("FamilyName", "!!!")]
    [InlineData("NhsNumber", "0000000000")]
    [InlineData("Email", "not-an-email")]
    [InlineData("Mobile", "01632 960001")]
    public void Each_bad_field_is_reported(string field, string value)
    {
        var identity = field switch
        {
            "NhsNumber" => Valid() with { NhsNumber = value },
            "GivenName" => Valid() with { GivenName = value },
            "FamilyName" => Valid() with { FamilyName = value },
            "Email" => Valid() with { Email = value },
            _ => Valid() with { Mobile = value },
        };
        Assert.Equal([field], identity.Validate(Today).Keys);
    }

    [Fact]
    public void Date_of_birth_must_be_past() =>
        Assert.Contains("DateOfBirth", (Valid() with { DateOfBirth = Today.AddDays(1) }).Validate(Today).Keys);

    [Fact]
    public void Medical_details_need_summary_duration_severity_and_description()
    {
        var errors = new ConsultationDetails(ConsultationKind.Medical, null, null, null, null, null).Validate();
        Assert.Equal(["ProblemSummary", "Duration", "Severity", "Details"], errors.Keys);
    }

    [Fact]
    public void Admin_details_need_a_type_and_other_needs_words()
    {
        Assert.Equal(["AdminType"], new ConsultationDetails(ConsultationKind.Admin, null, null, null, null, null).Validate().Keys);
        Assert.Equal(["Details"], new ConsultationDetails(ConsultationKind.Admin, AdminRequestType.OtherAdmin, null, null, null, null).Validate().Keys);
        Assert.Empty(new ConsultationDetails(ConsultationKind.Admin, AdminRequestType.FitNote, null, null, null, null).Validate());
    }

    [Fact]
    public void Details_over_the_limit_are_refused() =>
        Assert.Contains("1500 characters", new ConsultationDetails(ConsultationKind.Medical, null, "Cough", DurationBand.OneToFourWeeks, SeverityBand.Mild, new string('a', 1501)).Validate()["Details"], StringComparison.Ordinal);

    [Fact]
    public void Kind_is_required() =>
        Assert.Equal(["Kind"], new ConsultationDetails(null, null, null, null, null, null).Validate().Keys);
}
