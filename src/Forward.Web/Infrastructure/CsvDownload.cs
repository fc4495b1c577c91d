using CsvHelper;

namespace Forward.Web.Infrastructure;

/// <summary>How every CSV download is written, streamed to the response.</summary>
public static class CsvDownload
{
    /// <summary>
    /// A cell that starts with = + - @ (or a tab or CR) is escaped so a spreadsheet never runs it as a formula; the file
    /// starts with a UTF-8 byte order mark, without which Excel reads it as Windows-1252 and turns "→" into "â†’" and
    /// "St Mary’s" into "St Maryâ€™s".
    /// </summary>
    public static readonly CsvWriterOptions Options = CsvWriterOptions.Default with { Injection = CsvInjection.Escape, WriteByteOrderMark = true };

    /// <summary>Writes <paramref name="rows"/> (a [CsvRecord] type) as the attachment <paramref name="fileName"/>.</summary>
    public static Task WriteAsync<T>(HttpResponse response, string fileName, IEnumerable<T> rows, CancellationToken cancellationToken) =>
        WriteAsync(response, fileName, csv => csv.WriteRecordsAsync(rows, cancellationToken), cancellationToken);

    /// <summary>Writes <paramref name="rows"/> as they arrive, so a large export is never held in memory.</summary>
    public static Task WriteAsync<T>(HttpResponse response, string fileName, IAsyncEnumerable<T> rows, CancellationToken cancellationToken) =>
        WriteAsync(response, fileName, csv => csv.WriteRecordsAsync(rows, cancellationToken), cancellationToken);

    private static async Task WriteAsync(HttpResponse response, string fileName, Func<CsvWriter, ValueTask> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        response.Headers.CacheControl = "no-store";
        await using var csv = CsvWriter.Create(response.Body, Options, leaveOpen: true);
        await write(csv);
        await csv.FlushAsync(cancellationToken);
    }
}
