using System.Collections.Frozen;
using SkiaSharp;

namespace Tanager.Imaging.Skia;

/// <summary>
/// Image sizes and thumbnails on SkiaSharp: Google's Skia, which browsers use to draw images, so it decodes what they
/// decode. Decoding is bounded: JPEGs are decoded straight at a fraction of their size (1/2 to 1/8), and an image that
/// would still take more than <see cref="MaxDecodedPixels"/> pixels is refused rather than decoded.
/// </summary>
internal sealed class SkiaImageProcessor : IImageProcessor
{
    /// <summary>25 megapixels, 100 MB of pixels: a 12,000 × 2,000 panorama still gets a thumbnail, a decompression bomb does not.</summary>
    internal const long MaxDecodedPixels = 25_000_000;

    /// <summary>WebP quality for thumbnails: visually clean at preview size, about 30–80 KB at 720 pixels.</summary>
    private const int Quality = 80;

    private static readonly FrozenSet<string> Readable = FrozenSet.ToFrozenSet(["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"], StringComparer.Ordinal);

    public bool Supports(string contentType) => Readable.Contains(contentType);

    public ImageSize? Identify(ReadOnlySpan<byte> header)
    {
        if (header.IsEmpty)
        {
            return null;
        }
        using var data = SKData.CreateCopy(header);
        using var codec = SKCodec.Create(data);
        return codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0 ? null : Displayed(codec.Info.Width, codec.Info.Height, codec.EncodedOrigin);
    }

    public Thumbnail? CreateThumbnail(ReadOnlySpan<byte> image, int maxSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        if (image.IsEmpty)
        {
            return null;
        }
        using var data = SKData.CreateCopy(image);
        using var codec = SKCodec.Create(data);
        if (codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0)
        {
            return null;
        }
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        var scale = Math.Min(1f, (float)maxSide / Math.Max(width, height));
        // At least the wanted size (JPEG decodes at n/8 of it; other formats at full size), then resampled down.
        var decodeSize = codec.GetScaledDimensions(scale);
        if (decodeSize.Width <= 0 || decodeSize.Height <= 0 || (long)decodeSize.Width * decodeSize.Height > MaxDecodedPixels)
        {
            return null;
        }
        // Into sRGB: a thumbnail carries no colour profile, so wide-gamut photos are converted rather than shown dull.
        var decodeInfo = new SKImageInfo(decodeSize.Width, decodeSize.Height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        using var decoded = new SKBitmap(decodeInfo);
        var result = codec.GetPixels(decodeInfo, decoded.GetPixels());
        if (result != SKCodecResult.Success)
        {
            // A file cut short (IncompleteInput) would give a thumbnail partly blank: better none, the file stays downloadable.
            return null;
        }
        var fit = new SKImageInfo(Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)), SKColorType.Rgba8888, SKAlphaType.Premul, decodeInfo.ColorSpace);
        using var resized = fit.Width == decoded.Width && fit.Height == decoded.Height ? decoded.Copy() : decoded.Resize(fit, new SKSamplingOptions(SKCubicResampler.Mitchell));
        if (resized is null)
        {
            return null;
        }
        using var oriented = Orient(resized, codec.EncodedOrigin);
        // Encoded from pixels alone: no EXIF, XMP or other metadata of the original (and so no location) comes along.
        using var encoded = oriented.Encode(SKEncodedImageFormat.Webp, Quality);
        if (encoded is null)
        {
            return null;
        }
        return new Thumbnail(encoded.ToArray(), new ImageSize(oriented.Width, oriented.Height), Displayed(width, height, codec.EncodedOrigin));
    }

    /// <summary>The size as shown: EXIF orientations 5–8 turn the image a quarter, swapping width and height.</summary>
    private static ImageSize Displayed(int width, int height, SKEncodedOrigin origin) =>
        SwapsSides(origin) ? new ImageSize(height, width) : new ImageSize(width, height);

    private static bool SwapsSides(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>The pixels turned and mirrored as EXIF orientation says, so the thumbnail needs no orientation tag.</summary>
    private static SKBitmap Orient(SKBitmap source, SKEncodedOrigin origin)
    {
        float w = source.Width, h = source.Height;
        // x' = ScaleX·x + SkewX·y + TransX, y' = SkewY·x + ScaleY·y + TransY.
        SKMatrix? transform = origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
            _ => null,
        };
        if (transform is not { } matrix)
        {
            return source.Copy();
        }
        var swapped = SwapsSides(origin);
        var target = new SKBitmap(new SKImageInfo(swapped ? source.Height : source.Width, swapped ? source.Width : source.Height, source.ColorType, source.AlphaType, source.ColorSpace));
        using var canvas = new SKCanvas(target);
        canvas.Clear(SKColors.Transparent);
        canvas.SetMatrix(in matrix);
        using var image = SKImage.FromBitmap(source);
        // Quarter turns and mirrors map pixels onto pixels: nothing to interpolate.
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), null);
        return target;
    }
}
