namespace Forward.Domain.Consultation;

/// <summary>What to tell a patient who answers yes to a red flag, most urgent last (so Max is the most urgent).</summary>
public enum RedFlagAdvice
{
    /// <summary>Call NHS 111 (or go to 111.nhs.uk) now.</summary>
    Call111 = 1,

    /// <summary>Mental health crisis: call 111 and choose the mental health option, or Samaritans on 116 123; 999 if in immediate danger.</summary>
    MentalHealthCrisis = 2,

    /// <summary>Call 999 now.</summary>
    Call999 = 3,
}

/// <summary>One red-flag question and what a yes means.</summary>
public sealed record RedFlagQuestion(string Code, string Question, string Hint, RedFlagAdvice Advice);

/// <summary>The result of the red-flag step.</summary>
public sealed record RedFlagResult(IReadOnlyList<string> Unanswered, IReadOnlyList<RedFlagQuestion> AnsweredYes)
{
    public bool Complete => Unanswered.Count == 0;

    /// <summary>Any yes stops the request: it is never queued, whatever else the patient writes.</summary>
    public bool Stop => AnsweredYes.Count > 0;

    /// <summary>The most urgent instruction among the yes answers, or null when there is none.</summary>
    public RedFlagAdvice? Advice => AnsweredYes.Count == 0 ? null : AnsweredYes.Max(q => q.Advice);

    /// <summary>
    /// Every instruction the yes answers call for, most urgent first: a patient with a rash that does not fade who also
    /// has thoughts of ending their life needs both 999 and the crisis lines. Calling 111 is left out when 999 is
    /// there, since 999 covers it and two numbers to ring now would only delay the call.
    /// </summary>
    public IReadOnlyList<RedFlagAdvice> Advices
    {
        get
        {
            var all = AnsweredYes.Select(q => q.Advice).Distinct().OrderDescending().ToList();
            return all.Contains(RedFlagAdvice.Call999) ? all.Where(a => a != RedFlagAdvice.Call111).ToList() : all;
        }
    }
}

/// <summary>
/// Questions asked before anything else, because an online request is answered in working days and these problems
/// cannot wait. Any yes stops the form and tells the patient where to go instead: 999 where the NHS website says to call
/// 999 or go to A&amp;E (among them a headache or tummy pain that came on suddenly and is extremely painful, and a rash
/// that does not fade under a glass, a sign of meningitis or sepsis), 111 where it says to get help from 111 now.
/// </summary>
public static class RedFlags
{
    public static IReadOnlyList<RedFlagQuestion> Questions { get; } =
    [
        new("chest-pain", "Do you have chest pain, or pressure or tightness in your chest?", "Including pain that spreads to your arms, back, neck or jaw.", RedFlagAdvice.Call999),
        new("breathing", "Are you struggling to breathe?", "For example, too breathless to speak in full sentences, or lips or skin turning blue or grey.", RedFlagAdvice.Call999),
        new("stroke", "Do you have signs of a stroke?", "Face dropping on one side, cannot lift both arms, or slurred or confused speech.", RedFlagAdvice.Call999),
        new("bleeding", "Are you bleeding heavily, or bleeding that will not stop?", "Including vomiting or coughing up blood.", RedFlagAdvice.Call999),
        new("allergy", "Are you having a severe allergic reaction?", "Swelling of the lips, mouth, throat or tongue, wheezing, or feeling faint after contact with something.", RedFlagAdvice.Call999),
        new("collapse", "Have you had a fit, collapsed or been unconscious?", "Including sudden confusion or being very hard to wake.", RedFlagAdvice.Call999),
        new("suicidal", "Are you thinking about ending your life or harming yourself, or do you feel in immediate danger?", "Or you are worried you may harm someone else.", RedFlagAdvice.MentalHealthCrisis),
        new("severe-pain", "Do you have sudden, severe pain that started in the last few hours?", "For example a headache or tummy pain that came on suddenly and is extremely painful.", RedFlagAdvice.Call999),
        new("rash", "Do you, or a child in your care, have a rash that does not fade when you press a glass against it?", "Especially with a high temperature or feeling very unwell. On brown or black skin, check paler areas such as the palms of the hands, the soles of the feet or inside the eyelids.", RedFlagAdvice.Call999),
        new("unwell-fever", "Do you feel very unwell with a high temperature?", "Or a baby or child in your care who is very unwell.", RedFlagAdvice.Call111),
    ];

    public static RedFlagQuestion? Find(string code) => Questions.FirstOrDefault(q => string.Equals(q.Code, code, StringComparison.Ordinal));

    /// <summary>Reads answers by question code: true = yes, false = no, missing or null = not answered.</summary>
    public static RedFlagResult Evaluate(IReadOnlyDictionary<string, bool?> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var unanswered = new List<string>();
        var yes = new List<RedFlagQuestion>();
        foreach (var q in Questions)
        {
            if (!answers.TryGetValue(q.Code, out var answer) || answer is null)
            {
                unanswered.Add(q.Code);
            }
            else if (answer.Value)
            {
                yes.Add(q);
            }
        }

        return new RedFlagResult(unanswered, yes);
    }

    /// <summary>"chest-pain=no;breathing=no;..." for the record: every question, with the answer given.</summary>
    public static string Describe(IReadOnlyDictionary<string, bool?> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        return string.Join(';', Questions.Select(q => $"{q.Code}={(answers.TryGetValue(q.Code, out var a) && a is { } v ? (v ? "yes" : "no") : "unanswered")}"));
    }

    /// <summary>
    /// Reads back what <see cref="Describe"/> stored: question code → "yes", "no" or "unanswered". A question added since
    /// the request was sent has no entry, so it can be shown as not asked rather than as answered no. Parts that are not
    /// "code=answer" are skipped; the first answer for a code wins.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Read(string? stored)
    {
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in (stored ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                answers.TryAdd(part[..equals].Trim(), part[(equals + 1)..].Trim());
            }
        }

        return answers;
    }
}
