using SkiaSharp;
using Tanager.Imaging.Skia;

namespace Tanager.Tests.Files;

/// <summary>The SkiaSharp image processor on real encoded images: sizes from headers, thumbnails, orientation, metadata, limits.</summary>
public sealed class SkiaImageProcessorTests
{
    private readonly SkiaImageProcessor _images = new();

    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Webp)]
    public void The_size_is_read_from_the_first_bytes_alone(SKEncodedImageFormat format)
    {
        var image = TestImages.Encode(640, 480, format);
        // WebP names its size in its first bytes; PNG before its first pixel data; a JPEG after its tables. None needs its pixels.
        var header = format switch
        {
            SKEncodedImageFormat.Jpeg => JpegHeader(image),
            SKEncodedImageFormat.Png => image.AsSpan(0, image.AsSpan().IndexOf("IDAT"u8) + 8),
            _ => image.AsSpan(0, 64),
        };
        Assert.Equal(new ImageSize(640, 480), _images.Identify(header));
    }

    [Fact]
    public void A_jpeg_turned_by_its_exif_orientation_reports_its_displayed_size()
    {
        var photo = TestImages.JpegWithExif(400, 300, orientation: 6);
        Assert.Equal(new ImageSize(300, 400), _images.Identify(JpegHeader(photo)));
    }

    /// <summary>A JPEG up to the start of its scan (the SOS marker): its metadata and tables, none of its pixels.</summary>
    private static ReadOnlySpan<byte> JpegHeader(byte[] jpeg) => jpeg.AsSpan(0, jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xDA]) + 16);

    [Fact]
    public void What_is_not_an_image_has_no_size_and_no_thumbnail()
    {
        var noise = new byte[4096];
        new Random(7).NextBytes(noise);
        Assert.Null(_images.Identify(noise));
        Assert.Null(_images.Identify([]));
        Assert.Null(_images.CreateThumbnail(noise, 720));
        Assert.Null(_images.CreateThumbnail("<svg xmlns='http://www.w3.org/2000/svg'/>"u8, 720));
        // Cut short before its pixels, a PNG still has a size but gives no thumbnail.
        var png = TestImages.Encode(300, 200, SKEncodedImageFormat.Png);
        var truncated = png.AsSpan(0, png.AsSpan().IndexOf("IDAT"u8) + 8).ToArray();
        Assert.Equal(new ImageSize(300, 200), _images.Identify(truncated));
        Assert.Null(_images.CreateThumbnail(truncated, 720));
    }

    [Theory]
    [InlineData(2000, 1000, 720, 360)]
    [InlineData(1000, 2000, 360, 720)]
    [InlineData(100, 50, 100, 50)]
    public void A_thumbnail_fits_the_size_keeps_the_aspect_and_is_never_enlarged(int width, int height, int thumbWidth, int thumbHeight)
    {
        var thumbnail = _images.CreateThumbnail(TestImages.Encode(width, height, SKEncodedImageFormat.Png), 720);
        Assert.NotNull(thumbnail);
        Assert.Equal((new ImageSize(thumbWidth, thumbHeight), new ImageSize(width, height)), (thumbnail.Size, thumbnail.Source));
        using var codec = SKCodec.Create(SKData.CreateCopy(thumbnail.WebP.Span));
        Assert.Equal((SKEncodedImageFormat.Webp, thumbWidth, thumbHeight), (codec.EncodedFormat, codec.Info.Width, codec.Info.Height));
        var webp = thumbnail.WebP.ToArray();
        Assert.True(TestImages.IsRed(TestImages.PixelAt(webp, thumbWidth / 4, thumbHeight / 2)));
        Assert.True(TestImages.IsBlue(TestImages.PixelAt(webp, thumbWidth * 3 / 4, thumbHeight / 2)));
    }

    [Fact]
    public void A_phones_photo_is_turned_upright_and_its_exif_location_is_left_out()
    {
        var photo = TestImages.JpegWithExif(1600, 1200, orientation: 6);
        Assert.True(TestImages.Contains(photo, "Exif"u8) && TestImages.Contains(photo, TestImages.LatitudeBytes));

        var thumbnail = _images.CreateThumbnail(photo, 720);

        Assert.NotNull(thumbnail);
        Assert.Equal((new ImageSize(540, 720), new ImageSize(1200, 1600)), (thumbnail.Size, thumbnail.Source));
        var webp = thumbnail.WebP.ToArray();
        Assert.False(TestImages.Contains(webp, "Exif"u8));
        Assert.False(TestImages.Contains(webp, "EXIF"u8));
        Assert.False(TestImages.Contains(webp, System.Text.Encoding.ASCII.GetBytes(TestImages.SecretDescription)));
        Assert.False(TestImages.Contains(webp, TestImages.LatitudeBytes));
        // Turned a quarter clockwise: the left (red) half is now on top.
        Assert.True(TestImages.IsRed(TestImages.PixelAt(webp, 270, 150)));
        Assert.True(TestImages.IsBlue(TestImages.PixelAt(webp, 270, 570)));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public void Other_orientations_are_applied_too(ushort orientation)
    {
        var thumbnail = _images.CreateThumbnail(TestImages.JpegWithExif(800, 400, orientation), 720);
        Assert.NotNull(thumbnail);
        var webp = thumbnail.WebP.ToArray();
        if (orientation == 3)
        {
            // Half a turn: red moves to the right.
            Assert.Equal(new ImageSize(720, 360), thumbnail.Size);
            Assert.True(TestImages.IsRed(TestImages.PixelAt(webp, 600, 180)));
            Assert.True(TestImages.IsBlue(TestImages.PixelAt(webp, 100, 180)));
        }
        else
        {
            // A quarter counter-clockwise: the left (red) half goes to the bottom.
            Assert.Equal(new ImageSize(360, 720), thumbnail.Size);
            Assert.True(TestImages.IsRed(TestImages.PixelAt(webp, 180, 600)));
            Assert.True(TestImages.IsBlue(TestImages.PixelAt(webp, 180, 100)));
        }
    }

    [Fact]
    public void A_png_claiming_more_pixels_than_is_safe_to_decode_gets_no_thumbnail_but_its_size_is_known()
    {
        var bomb = TestImages.PngClaiming(20_000);
        Assert.True(bomb.Length < 1000);
        Assert.Equal(new ImageSize(20_000, 20_000), _images.Identify(bomb));
        Assert.Null(_images.CreateThumbnail(bomb, 720));
    }

    [Fact]
    public void A_large_jpeg_is_decoded_at_a_fraction_of_its_size()
    {
        // 6000 × 5000 is 30 megapixels, over the limit at full size but decoded at 1/8 for a 720-pixel thumbnail.
        var large = TestImages.Encode(6000, 5000, SKEncodedImageFormat.Jpeg, quality: 50);
        var thumbnail = _images.CreateThumbnail(large, 720);
        Assert.NotNull(thumbnail);
        Assert.Equal(new ImageSize(720, 600), thumbnail.Size);
    }

    [Theory]
    [InlineData("image/png", true)]
    [InlineData("image/jpeg", true)]
    [InlineData("image/gif", true)]
    [InlineData("image/webp", true)]
    [InlineData("image/svg+xml", false)]
    [InlineData("image/heic", false)]
    [InlineData("application/pdf", false)]
    public void Only_raster_formats_skia_decodes_are_images_here(string contentType, bool supported) =>
        Assert.Equal(supported, _images.Supports(contentType));
}
