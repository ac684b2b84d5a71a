namespace Tanager;

/// <summary>How writing a workspace archive into a store ended; anything but <see cref="Written"/> wrote nothing.</summary>
public enum ArchiveWriteResult
{
    Written,

    /// <summary>The store has a workspace with the archive's id already.</summary>
    WorkspaceExists,

    /// <summary>An archived user's email belongs to another account (another id) in the store.</summary>
    EmailTaken,
}
