using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace Tanager.Tests.Files;

/// <summary>Images made for the tests: halves of two colours (to see orientation), EXIF written by hand, and a PNG bomb.</summary>
internal static class TestImages
{
    /// <summary>A string the EXIF block carries, to search for in thumbnails.</summary>
    public const string SecretDescription = "TANAGER-SECRET-LOCATION";

    /// <summary>The latitude the EXIF block carries, 52° 31′ 12.34″ N, as the bytes of its three rationals.</summary>
    public static readonly byte[] LatitudeBytes = Rationals((52, 1), (31, 1), (1234, 100));

    /// <summary>Left half red, right half blue.</summary>
    public static byte[] Encode(int width, int height, SKEncodedImageFormat format, int quality = 90)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Blue);
            using var red = new SKPaint { Color = SKColors.Red };
            canvas.DrawRect(0, 0, width / 2f, height, red);
        }
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>
    /// A JPEG (left red, right blue) with an EXIF block as a phone writes one: an orientation, a description and a GPS
    /// latitude. Written by hand, since Skia writes no EXIF.
    /// </summary>
    public static byte[] JpegWithExif(int width, int height, ushort orientation)
    {
        var jpeg = Encode(width, height, SKEncodedImageFormat.Jpeg);
        var tiff = new byte[128];
        var description = Encoding.ASCII.GetBytes(SecretDescription + "\0");
        "II*\0"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        // IFD0 at 8: ImageDescription, Orientation, GPS IFD pointer; then its string at 50, the GPS IFD at 74, rationals at 104.
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), 3);
        Entry(tiff, 10, 0x010E, 2, (uint)description.Length, 50);
        Entry(tiff, 22, 0x0112, 3, 1, orientation);
        Entry(tiff, 34, 0x8825, 4, 1, 74);
        description.CopyTo(tiff, 50);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(74), 2);
        Entry(tiff, 76, 0x0001, 2, 2, 'N');
        Entry(tiff, 88, 0x0002, 5, 3, 104);
        LatitudeBytes.CopyTo(tiff, 104);
        var app1 = new List<byte> { 0xFF, 0xE1 };
        var length = 2 + 6 + tiff.Length;
        app1.Add((byte)(length >> 8));
        app1.Add((byte)length);
        app1.AddRange("Exif\0\0"u8.ToArray());
        app1.AddRange(tiff);
        return [.. jpeg.AsSpan(0, 2), .. app1, .. jpeg.AsSpan(2)];
    }

    /// <summary>A valid PNG header declaring <paramref name="side"/> × <paramref name="side"/> pixels, with almost no pixel data: a decompression bomb's shape.</summary>
    public static byte[] PngClaiming(int side)
    {
        var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, side);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), side);
        header[8] = 8;   // bit depth
        header[9] = 6;   // RGBA
        Chunk(output, "IHDR", header);
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(new byte[4096]);
        }
        Chunk(output, "IDAT", compressed.ToArray());
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    public static bool Contains(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle) => haystack.IndexOf(needle) >= 0;

    /// <summary>The colour at (x, y) of an encoded image, decoded by Skia.</summary>
    public static SKColor PixelAt(byte[] encoded, int x, int y)
    {
        using var bitmap = SKBitmap.Decode(encoded);
        return bitmap.GetPixel(x, y);
    }

    public static bool IsRed(SKColor c) => c.Red > 200 && c.Blue < 60 && c.Green < 60;

    public static bool IsBlue(SKColor c) => c.Blue > 200 && c.Red < 60 && c.Green < 60;

    private static void Entry(byte[] tiff, int at, ushort tag, ushort type, uint count, uint value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at), tag);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at + 2), type);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(at + 4), count);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(at + 8), value);
    }

    private static byte[] Rationals(params (uint Numerator, uint Denominator)[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 8), values[i].Numerator);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 8 + 4), values[i].Denominator);
        }
        return bytes;
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        output.Write(number);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        output.Write(number);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }
}
