using System.Buffers.Binary;
using System.IO.Compression;

namespace Forward.Browser.Tests;

/// <summary>
/// Just enough of a PNG decoder to count pixels of a colour in a Chromium screenshot (8-bit RGB or RGBA,
/// non-interlaced), so a test can assert that a chart actually painted its bars rather than only that the markup exists.
/// </summary>
public sealed class PngPixels
{
    private readonly byte[] pixels;
    private readonly int channels;

    private PngPixels(int width, int height, int channels, byte[] pixels)
    {
        Width = width;
        Height = height;
        this.channels = channels;
        this.pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public static PngPixels Decode(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        var position = 8; // signature
        int width = 0, height = 0, channels = 0;
        using var compressed = new MemoryStream();
        while (position < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(position));
            var type = System.Text.Encoding.ASCII.GetString(png, position + 4, 4);
            var data = png.AsSpan(position + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    if (data[8] != 8 || data[12] != 0)
                    {
                        throw new NotSupportedException("Only 8-bit, non-interlaced PNGs are decoded.");
                    }

                    channels = data[9] switch
                    {
                        2 => 3,
                        6 => 4,
                        _ => throw new NotSupportedException($"PNG colour type {data[9]} is not decoded."),
                    };
                    break;
                case "IDAT":
                    compressed.Write(data);
                    break;
            }

            position += 12 + length;
        }

        compressed.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        return new PngPixels(width, height, channels, Unfilter(inflated.ToArray(), width, height, channels));
    }

    /// <summary>How many pixels are within <paramref name="tolerance"/> of the colour on each channel.</summary>
    public int Count(string hexColour, int tolerance = 24)
    {
        ArgumentNullException.ThrowIfNull(hexColour);
        var r = Convert.ToInt32(hexColour.Substring(1, 2), 16);
        var g = Convert.ToInt32(hexColour.Substring(3, 2), 16);
        var b = Convert.ToInt32(hexColour.Substring(5, 2), 16);
        var count = 0;
        for (var i = 0; i < pixels.Length; i += channels)
        {
            if (Math.Abs(pixels[i] - r) <= tolerance && Math.Abs(pixels[i + 1] - g) <= tolerance && Math.Abs(pixels[i + 2] - b) <= tolerance)
            {
                count++;
            }
        }

        return count;
    }

    private static byte[] Unfilter(byte[] data, int width, int height, int channels)
    {
        var stride = width * channels;
        var output = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = data[y * (stride + 1)];
            var source = (y * (stride + 1)) + 1;
            var row = y * stride;
            for (var x = 0; x < stride; x++)
            {
                int left = x >= channels ? output[row + x - channels] : 0;
                int up = y > 0 ? output[row - stride + x] : 0;
                int upLeft = x >= channels && y > 0 ? output[row - stride + x - channels] : 0;
                var predictor = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new NotSupportedException($"PNG filter {filter}."),
                };
                output[row + x] = (byte)(data[source + x] + predictor);
            }
        }

        return output;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
