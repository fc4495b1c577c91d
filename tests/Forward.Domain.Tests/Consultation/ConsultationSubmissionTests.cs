using System.Text.RegularExpressions;
using Forward.Domain.Consultation;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Forward.Domain.Tests.Consultation;

public partial class ConsultationSubmissionTests
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

    /// <summary>Addresses GOV.UK Notify refuses (its validate_email_address), each accepted before.</summary>
    [Theory]
    [InlineData("ann@example..com")]
    [InlineData("ann..smith@example.com")]
    [InlineData("ann,smith@example.com")]
    [InlineData("<ann>@example.com")]
    [InlineData("\"ann\"<x>@example.com")]
    [InlineData("ann;smith@example.com")]
    [InlineData("anné@example.com")]
    [InlineData("ann@exa_mple.com")]
    [InlineData("ann@-example.com")]
    [InlineData("ann@example-.com")]
    [InlineData("ann@exa---mple.com")]
    [InlineData("ann@example.c")]
    [InlineData("ann@example.123")]
    [InlineData("ann@example.c0m")]
    [InlineData("ann@localhost")]
    [InlineData("ann@example.com.")]
    [InlineData("ann@.example.com")]
    [InlineData("ann@@example.com")]
    [InlineData("ann@example@example.com")]
    [InlineData("ann@exa\nmple.com")]
    [InlineData("ann@例え.テスト")]
    [InlineData("ann\u200B@example.com")]
    public void An_email_address_Notify_refuses_is_refused(string email) =>
        Assert.Equal(
            "Enter an email address in the correct format, like name@example.com",
            Assert.Single((Valid() with { Email = email }).Validate(Today)).Value);

    /// <summary>Addresses Notify's own tests take.</summary>
    [Theory]
    [InlineData("email@domain.com")]
    [InlineData("email@domain.COM")]
    [InlineData("firstname.lastname@domain.com")]
    [InlineData("firstname.o'lastname@domain.com")]
    [InlineData("email@subdomain.domain.com")]
    [InlineData("firstname+lastname@domain.com")]
    [InlineData("1234567890@domain.com")]
    [InlineData("email@domain-one.com")]
    [InlineData("_______@domain.com")]
    [InlineData("email@domain.superlongtld")]
    [InlineData("email@domain.co.jp")]
    [InlineData("firstname-lastname@domain.com")]
    [InlineData("a!#$%&'*+/=?^_`{|}~-z@domain.com")]
    [InlineData("email@xn--r8jz45g.xn--zckzah")]
    [InlineData("email@a--b.co.uk")]
    [InlineData("  email@domain.com  ")]
    public void An_email_address_Notify_takes_is_taken(string email) => Assert.Empty((Valid() with { Email = email }).Validate(Today));

    [Fact]
    public void An_email_address_over_200_characters_is_told_so_not_that_its_format_is_wrong()
    {
        var domain = "@" + string.Join('.', Enumerable.Repeat(new string('d', 60), 3)) + ".uk"; // labels within 63
        var atLimit = new string('a', ConsultationRequest.MaxEmailLength - domain.Length) + domain;
        Assert.Equal(ConsultationRequest.MaxEmailLength, atLimit.Length);
        Assert.Empty((Valid() with { Email = atLimit }).Validate(Today));
        Assert.Equal(
            "Email address must be 200 characters or fewer",
            Assert.Single((Valid() with { Email = "a" + atLimit }).Validate(Today)).Value);
        Assert.Equal(
            "Enter an email address in the correct format, like name@example.com",
            Assert.Single((Valid() with { Email = "ann@" + new string('d', 64) + ".com" }).Validate(Today)).Value);
    }

    /// <summary>Characters an address is made of, and some it must not have, so that many generated addresses are good.</summary>
    private static readonly char[] LocalCharacters = "aZ09.!#$%&'*+/=?^_`{|}~-,<>\"; é@".ToCharArray();

    private static readonly char[] DomainCharacters = "aZ09-_.é<".ToCharArray();

    private static Gen<string> Text(char[] alphabet, int max) =>
        from length in Gen.Choose(0, max)
        from characters in Gen.ArrayOf(Gen.Elements(alphabet), length)
        select new string(characters);

    private static Gen<string> Addresses() =>
        from local in Text(LocalCharacters, 6)
        from count in Gen.Choose(1, 4)
        from labels in Gen.ArrayOf(Gen.OneOf(Text(DomainCharacters, 5), Gen.Elements("xn--r8jz45g", "co", "uk", "x")), count)
        select local + "@" + string.Join('.', labels);

    /// <summary>
    /// Notify's rules written as one pattern, apart from the code: the address is taken exactly when it matches and has
    /// no "..".
    /// </summary>
    [GeneratedRegex(@"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9]+(--?[A-Za-z0-9]+)*\.)+([A-Za-z]{2,63}|xn--([A-Za-z0-9]+-)*[A-Za-z0-9]+)\z")]
    private static partial Regex NotifyAddress();

    [Property(MaxTest = 2000)]
    public Property An_address_is_taken_exactly_when_Notify_would_take_it() =>
        Prop.ForAll(
            Arb.From(Addresses()),
            email =>
            {
                var taken = !(Valid() with { Email = email }).Validate(Today).ContainsKey("Email");
                var trimmed = email.Trim(); // as the form reads it
                return taken == (NotifyAddress().IsMatch(trimmed) && !trimmed.Contains("..", StringComparison.Ordinal));
            });

    [Theory]
    [InlineData("\u200B")]
    [InlineData("\u2060\u200B \u2060")]
    [InlineData("\uFEFF")]
    [InlineData("...")]
    public void A_summary_or_description_with_no_letter_or_digit_is_not_given(string text)
    {
        var medical = new ConsultationDetails(ConsultationKind.Medical, null, text, DurationBand.OneToFourWeeks, SeverityBand.Mild, text).Validate();
        Assert.Equal("Enter your problem in a few words", medical["ProblemSummary"]);
        Assert.Equal("Describe your problem", medical["Details"]);
        Assert.Equal("Tell us what you need", new ConsultationDetails(ConsultationKind.Admin, AdminRequestType.OtherAdmin, null, null, null, text).Validate()["Details"]);
        Assert.Null(ConsultationDetails.Given(text));
        Assert.Empty(new ConsultationDetails(ConsultationKind.Medical, null, "\u200BCough", DurationBand.OneToFourWeeks, SeverityBand.Mild, "2").Validate());
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
