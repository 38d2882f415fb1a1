//! Every reader on arbitrary bytes, plain and gzip-compressed: no panic, and every record has an id.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tenor::ingest::{Compression, FileType, Format, InputOptions, Record, TextLayout, read_from};

fuzz_target!(|data: &[u8]| {
    for format in [Format::Text, Format::JsonLines, Format::Csv] {
        for compression in [Compression::None, Compression::Gzip] {
            for text_layout in [TextLayout::WholeFile, TextLayout::LinePerRecord] {
                let options = InputOptions {
                    text_layout,
                    // Small, so that the size limits are exercised too.
                    max_article_bytes: 512,
                };
                let file_type = FileType {
                    format,
                    compression,
                };
                let reader = std::io::Cursor::new(data.to_vec());
                for record in read_from("fuzz", file_type, reader, options) {
                    match record {
                        Record::Article(article) => {
                            assert!(!article.id.is_empty());
                            // The limit counts bytes as read: invalid UTF-8, one byte each, decodes
                            // to U+FFFD, three bytes each.
                            assert!(article.text.len() <= 3 * 512);
                        }
                        Record::Skipped(skipped) => assert!(!skipped.reason.is_empty()),
                    }
                }
            }
        }
    }
});
