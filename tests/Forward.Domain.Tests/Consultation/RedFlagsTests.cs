using Forward.Domain.Consultation;

namespace Forward.Domain.Tests.Consultation;

public class RedFlagsTests
{
    private static Dictionary<string, bool?> AllNo() => RedFlags.Questions.ToDictionary(q => q.Code, _ => (bool?)false);

    [Fact]
    public void All_no_lets_the_request_go_on()
    {
        var result = RedFlags.Evaluate(AllNo());
        Assert.True(result.Complete);
        Assert.False(result.Stop);
        Assert.Null(result.Advice);
    }

    [Theory]
    [InlineData("chest-pain", RedFlagAdvice.Call999)]
    [InlineData("breathing", RedFlagAdvice.Call999)]
    [InlineData("stroke", RedFlagAdvice.Call999)]
    [InlineData("bleeding", RedFlagAdvice.Call999)]
    [InlineData("allergy", RedFlagAdvice.Call999)]
    [InlineData("collapse", RedFlagAdvice.Call999)]
    [InlineData("suicidal", RedFlagAdvice.MentalHealthCrisis)]
    [InlineData("severe-pain", RedFlagAdvice.Call999)]
    [InlineData("rash", RedFlagAdvice.Call999)]
    [InlineData("unwell-fever", RedFlagAdvice.Call111)]
    public void Each_yes_stops_the_request_with_its_advice(string code, RedFlagAdvice advice)
    {
        var answers = AllNo();
        answers[code] = true;
        var result = RedFlags.Evaluate(answers);
        Assert.True(result.Stop);
        Assert.Equal(advice, result.Advice);
        Assert.Equal(code, Assert.Single(result.AnsweredYes).Code);
    }

    [Fact]
    public void Every_question_is_covered_by_the_theory_above() =>
        Assert.Equal(10, RedFlags.Questions.Count);

    [Fact]
    public void The_most_urgent_advice_wins()
    {
        var answers = AllNo();
        answers["unwell-fever"] = true;
        answers["suicidal"] = true;
        Assert.Equal(RedFlagAdvice.MentalHealthCrisis, RedFlags.Evaluate(answers).Advice);
        answers["chest-pain"] = true;
        Assert.Equal(RedFlagAdvice.Call999, RedFlags.Evaluate(answers).Advice);
    }

    [Fact]
    public void Every_kind_of_help_needed_is_given_most_urgent_first_and_999_covers_111()
    {
        var answers = AllNo();
        answers["unwell-fever"] = true;
        answers["suicidal"] = true;
        Assert.Equal([RedFlagAdvice.MentalHealthCrisis, RedFlagAdvice.Call111], RedFlags.Evaluate(answers).Advices);
        answers["rash"] = true;
        Assert.Equal([RedFlagAdvice.Call999, RedFlagAdvice.MentalHealthCrisis], RedFlags.Evaluate(answers).Advices);
        answers["suicidal"] = false;
        Assert.Equal([RedFlagAdvice.Call999], RedFlags.Evaluate(answers).Advices);
        Assert.Empty(RedFlags.Evaluate(AllNo()).Advices);
    }

    [Fact]
    public void Unanswered_questions_are_listed_and_a_yes_still_stops()
    {
        var answers = new Dictionary<string, bool?> { ["stroke"] = true, ["breathing"] = null };
        var result = RedFlags.Evaluate(answers);
        Assert.False(result.Complete);
        Assert.Contains("breathing", result.Unanswered);
        Assert.Equal(RedFlags.Questions.Count - 1, result.Unanswered.Count);
        Assert.True(result.Stop);
    }

    [Fact]
    public void Describe_records_every_answer()
    {
        var text = RedFlags.Describe(AllNo());
        Assert.StartsWith("chest-pain=no;breathing=no;", text, StringComparison.Ordinal);
        Assert.True(text.Length <= ConsultationRequest.MaxRedFlagAnswersLength);
    }

    [Fact]
    public void Read_gives_back_what_describe_stored_and_skips_what_is_not_an_answer()
    {
        var answers = new Dictionary<string, bool?>(AllNo()) { ["rash"] = null };
        var read = RedFlags.Read(RedFlags.Describe(answers));
        Assert.Equal(RedFlags.Questions.Count, read.Count);
        Assert.Equal("no", read["chest-pain"]);
        Assert.Equal("unanswered", read["rash"]);

        var odd = RedFlags.Read(" chest-pain = yes ;;nonsense;=no;chest-pain=no");
        Assert.Equal("yes", Assert.Single(odd).Value);
        Assert.Empty(RedFlags.Read(null));
    }
}
