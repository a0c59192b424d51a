//! The built-in table comes with the East Asian index `build.rs` made: in
//! a process of its own (this test binary), where nothing has stepped
//! through the key trie yet, the index is there as soon as the table is.

#[test]
fn the_builtin_table_has_its_east_asian_index_before_any_step() {
    let table = canon::aliases::AliasTable::builtin();
    assert!(table.east_asian_index_ready());
}
