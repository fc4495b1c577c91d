namespace Forward.Web.Compliance;

/// <summary>
/// The assurance PDF's fonts: DejaVu Sans regular and bold, embedded in this assembly (licence beside them in
/// Compliance/Fonts). The PDF embeds them too, so it is drawn with the same glyphs and metrics on any machine, with or
/// without system fonts, and it can print characters such as "–" that the 14 standard PDF fonts do not all have.
/// </summary>
public static class AssuranceFonts
{
    private static readonly Lazy<byte[]> RegularBytes = new(() => Load("DejaVuSans.ttf"));
    private static readonly Lazy<byte[]> BoldBytes = new(() => Load("DejaVuSans-Bold.ttf"));

    public static ReadOnlyMemory<byte> Regular => RegularBytes.Value;

    public static ReadOnlyMemory<byte> Bold => BoldBytes.Value;

    private static byte[] Load(string file)
    {
        var name = "Forward.Web.Fonts." + file;
        using var stream = typeof(AssuranceFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The font {name} is not embedded in Forward.Web.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
