using Forward.Domain.Patients;
using FsCheck.Xunit;

namespace Forward.Domain.Tests.Patients;

public class NhsNumberTests
{
    [Theory]
    [InlineData("9434765919")]
    [InlineData("943 476 5919")]
    [InlineData("943-476-5919")]
    [InlineData("4010232137")]
    public void Accepts_numbers_with_a_valid_check_digit(string input)
    {
        Assert.True(NhsNumber.TryParse(input, out var n, out var error), error);
        Assert.Equal(10, n.Value.Value.Length);
    }

    [Theory]
    [InlineData("9434765918", "check digit")]
    [InlineData("0000000000", "one digit ten times")]
    [InlineData("999 999 9999", "one digit ten times")]
    [InlineData("123456789", "10 digits")]
    [InlineData("12345678901", "10 digits")]
    [InlineData("94347659AB", "10 digits")]
    [InlineData("", "Enter")]
    [InlineData(null, "Enter")]
    public void Rejects_invalid_numbers_with_a_clear_message(string? input, string expectedFragment)
    {
        Assert.False(NhsNumber.TryParse(input, out _, out var error));
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_number_whose_check_digit_would_be_ten_is_never_valid()
    {
        // 000000001 → sum 2 → 11 - 2 = 9; find nine digits that give 10 by search and check none pass.
        var nine = Enumerable.Range(100000000, 2000).Select(i => i.ToString("D9", System.Globalization.CultureInfo.InvariantCulture))
            .First(d => NhsNumber.FromNineDigits(d) is null);
        for (var last = 0; last <= 9; last++)
        {
            Assert.False(NhsNumber.HasValidCheckDigit(nine + last));
        }
    }

    [Property]
    public bool Completing_nine_digits_yields_a_number_that_validates(uint seed)
    {
        var nine = (seed % 1_000_000_000).ToString("D9", System.Globalization.CultureInfo.InvariantCulture);
        var n = NhsNumber.FromNineDigits(nine);
        return n is null || NhsNumber.TryParse(n.Value.Value, out _, out _);
    }

    [Property]
    public bool Changing_one_digit_breaks_the_check(uint seed, byte position, byte delta)
    {
        var nine = (seed % 1_000_000_000).ToString("D9", System.Globalization.CultureInfo.InvariantCulture);
        if (NhsNumber.FromNineDigits(nine) is not { } n)
        {
            return true;
        }

        var chars = n.Value.ToCharArray();
        var i = position % 10;
        var d = 1 + (delta % 9);
        chars[i] = (char)('0' + (((chars[i] - '0') + d) % 10));
        return !NhsNumber.HasValidCheckDigit(new string(chars));
    }
}
