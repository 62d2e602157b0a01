//! The blocking client's pages of a FlexibleSearch as an iterator. Beside the client, not
//! in `console/`, because it runs requests: the pager in `console::pk_paging` only says
//! what to ask next.

use crate::console::flexsearch::{FlexibleSearch, FlexibleSearchResult};
use crate::console::pk_paging::PkPager;
use crate::error::Result;

/// The pages of a FlexibleSearch read by PK with the blocking client, as an iterator
/// (from `HacClient::flexible_search_pages`). After an error it ends.
#[derive(Debug)]
pub struct Pages<'a> {
    client: &'a crate::blocking::HacClient,
    pager: PkPager,
}

impl Iterator for Pages<'_> {
    type Item = Result<FlexibleSearchResult>;

    fn next(&mut self) -> Option<Self::Item> {
        self.client
            .flexible_search_page(&mut self.pager)
            .transpose()
    }
}

impl crate::blocking::HacClient {
    /// Reads every row of a FlexibleSearch in pages of `page_size` rows ordered by PK,
    /// without holding more than one page (see [`PkPager`] for which queries qualify).
    ///
    /// ```no_run
    /// # fn demo(hac: &hac_client::HacClient) -> hac_client::Result<()> {
    /// let mut rows = 0;
    /// for page in hac.flexible_search_pages("SELECT {pk}, {code} FROM {Product}", 10_000)? {
    ///     rows += page?.len();
    /// }
    /// println!("{rows} products");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) when the query cannot be
    /// paged; each page then has the errors of [`HacClient::flexible_search_page`](crate::HacClient::flexible_search_page).
    pub fn flexible_search_pages(
        &self,
        query: impl Into<FlexibleSearch>,
        page_size: u32,
    ) -> Result<Pages<'_>> {
        Ok(Pages {
            client: self,
            pager: PkPager::new(query.into(), page_size)?,
        })
    }
}
