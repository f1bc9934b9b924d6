//! Multipart uploads (CreateMultipartUpload, UploadPart, Complete, Abort, List),
//! as S3 clients use them for large objects: `perf --suite storage` measures
//! large objects the way Spark's S3A and Trino write them.

use bytes::Bytes;

use super::{Client, S3Error, check, xml};

/// The size of each part but the last: 8 MiB, as the AWS CLI and S3A use
/// (S3 requires at least 5 MiB for every part but the last).
pub const PART_SIZE: usize = 8 << 20;

/// An upload that was started and not yet completed or aborted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The object's key.
    pub key: String,
    /// The id S3 gave the upload.
    pub upload_id: String,
}

impl Client {
    /// Writes `body` as a multipart upload of [`PART_SIZE`] parts. `started` is
    /// told the upload before the first part is sent, so that an interrupted
    /// caller can abort it; on a failed part the upload is aborted here.
    pub async fn put_object_multipart(
        &self,
        bucket: &str,
        key: &str,
        body: Bytes,
        started: impl FnOnce(&Upload),
    ) -> Result<(), S3Error> {
        let upload = self.create_multipart_upload(bucket, key).await?;
        started(&upload);
        let mut parts = Vec::new();
        for (index, start) in (0..body.len().max(1)).step_by(PART_SIZE).enumerate() {
            let part = body.slice(start..(start + PART_SIZE).min(body.len()));
            let number = index + 1;
            match self.upload_part(bucket, &upload, number, part).await {
                Ok(etag) => parts.push((number, etag)),
                Err(e) => {
                    let _ = self.abort_multipart_upload(bucket, &upload).await;
                    return Err(e);
                }
            }
        }
        let document = Bytes::from(xml::complete_multipart_document(&parts));
        let query = [("uploadId", upload.upload_id.as_str())];
        let response = self
            .send("POST", bucket, key, &query, document, false)
            .await?;
        // A Complete can fail inside a 200 answer: the body then is an <Error>.
        let body = check(response)?;
        let (code, message) = xml::error(&body);
        if !code.is_empty() {
            let _ = self.abort_multipart_upload(bucket, &upload).await;
            return Err(S3Error::Server {
                status: 200,
                code,
                message,
            });
        }
        Ok(())
    }

    async fn create_multipart_upload(&self, bucket: &str, key: &str) -> Result<Upload, S3Error> {
        let response = self
            .send("POST", bucket, key, &[("uploads", "")], Bytes::new(), false)
            .await?;
        let body = check(response)?;
        let upload_id = xml::upload_id(&body).map_err(|reason| S3Error::Server {
            status: 200,
            code: "MalformedXML".into(),
            message: reason,
        })?;
        Ok(Upload {
            key: key.to_string(),
            upload_id,
        })
    }

    async fn upload_part(
        &self,
        bucket: &str,
        upload: &Upload,
        number: usize,
        part: Bytes,
    ) -> Result<String, S3Error> {
        let number_text = number.to_string();
        let query = [
            ("partNumber", number_text.as_str()),
            ("uploadId", upload.upload_id.as_str()),
        ];
        let response = self
            .send("PUT", bucket, &upload.key, &query, part, false)
            .await?;
        let etag = response.etag.clone();
        check(response)?;
        etag.ok_or_else(|| S3Error::Server {
            status: 200,
            code: "MissingETag".into(),
            message: format!("part {number} of {} was stored without an ETag", upload.key),
        })
    }

    /// Aborts an upload: S3 drops the parts stored so far.
    pub(crate) async fn abort_multipart_upload(
        &self,
        bucket: &str,
        upload: &Upload,
    ) -> Result<(), S3Error> {
        let query = [("uploadId", upload.upload_id.as_str())];
        let response = self
            .send("DELETE", bucket, &upload.key, &query, Bytes::new(), false)
            .await?;
        match response.status {
            // Already completed or aborted: nothing is left.
            404 => Ok(()),
            _ => check(response).map(|_| ()),
        }
    }

    /// The uploads in progress under `prefix` (their parts take space until
    /// completed or aborted), first 1000.
    pub async fn multipart_uploads(
        &self,
        bucket: &str,
        prefix: &str,
    ) -> Result<Vec<Upload>, S3Error> {
        let query = [("uploads", ""), ("prefix", prefix)];
        let response = self
            .send("GET", bucket, "", &query, Bytes::new(), false)
            .await?;
        let body = check(response)?;
        xml::uploads(&body).map_err(|reason| S3Error::Server {
            status: 200,
            code: "MalformedXML".into(),
            message: reason,
        })
    }
}
