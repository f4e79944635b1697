/// Where the outbox's items are kept across restarts.
///
/// `save` must be durable when it returns: the uploader persists an item before each attempt
/// and marks it done only after the service confirmed it, so a crash at any point leaves either
/// the old or the new state. Implementations: ``FileUploadJournal`` (JSON); VigilStore's
/// SQLite journal later.
public protocol UploadJournal: Sendable {
    /// Every item saved and not removed.
    func load() throws -> [UploadItem]
    /// Inserts or replaces `item` (by id), durably.
    func save(_ item: UploadItem) throws
    /// Forgets the item with `id`; no error when there is none.
    func remove(id: String) throws
}
