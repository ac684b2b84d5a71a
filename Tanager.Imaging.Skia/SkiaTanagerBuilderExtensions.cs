using Tanager.Imaging.Skia;

namespace Tanager;

public static class SkiaTanagerBuilderExtensions
{
    /// <summary>
    /// Reads the size of image attachments (PNG, JPEG, GIF, WebP, BMP) when their message is posted, and makes a WebP
    /// thumbnail of each in the background, its EXIF orientation applied and its metadata (location included) left out.
    /// </summary>
    public static TanagerBuilder UseSkiaImages(this TanagerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseImages(_ => new SkiaImageProcessor());
    }
}
