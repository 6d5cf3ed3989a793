#include "kernel/mm/shmem_pages.h"

#include "kernel/arch/mmu.h"

const ShmemPages::Entry* ShmemPages::find(uint64_t inode, uint64_t index) const {
  for (const Node* n = m_first; n != nullptr; n = n->next) {
    for (uint64_t i = 0; i < n->count; i++) {
      if (n->entries[i].inode == inode && n->entries[i].index == index) return &n->entries[i];
    }
  }
  return nullptr;
}

bool ShmemPages::has(uint64_t inode, uint64_t index) const { return find(inode, index) != nullptr; }

bool ShmemPages::has_object(uint64_t inode) const {
  for (const Node* n = m_first; n != nullptr; n = n->next) {
    for (uint64_t i = 0; i < n->count; i++) {
      if (n->entries[i].inode == inode) return true;
    }
  }
  return false;
}

bool ShmemPages::owns(uint64_t pa) const {
  for (const Node* n = m_first; n != nullptr; n = n->next) {
    for (uint64_t i = 0; i < n->count; i++) {
      if (n->entries[i].pa == pa) return true;
    }
  }
  return false;
}

Result<uint64_t> ShmemPages::get(uint64_t inode, uint64_t index) {
  if (const Entry* e = find(inode, index)) return e->pa;
  constexpr uint64_t capacity = sizeof(Node::entries) / sizeof(Entry);
  Node* slot = m_first;
  while (slot != nullptr && slot->count == capacity) slot = slot->next;
  // A new node first; a failed data page gives it back, as drop() would never see an empty node
  // (no object has an entry in it) and it would stay until clear().
  const bool fresh = slot == nullptr;
  uint64_t node_pa = 0;
  if (fresh) node_pa = TRY(m_pages.alloc_zeroed(m_pages.context));
  Result<uint64_t> pa = m_pages.alloc_zeroed(m_pages.context);
  if (pa.is_error()) {
    if (fresh) m_pages.free(m_pages.context, node_pa);
    return pa.error();
  }
  if (fresh) {
    slot = static_cast<Node*>(arch_phys_to_virt(node_pa));
    slot->next = m_first;
    slot->pa = node_pa;
    slot->count = 0;
    m_first = slot;
  }
  slot->entries[slot->count++] = Entry{inode, index, pa.value()};
  return pa.value();
}

void ShmemPages::drop(uint64_t inode) {
  Node** link = &m_first;
  while (*link != nullptr) {
    Node* n = *link;
    for (uint64_t i = 0; i < n->count;) {
      if (n->entries[i].inode != inode) {
        i++;
        continue;
      }
      m_pages.free(m_pages.context, n->entries[i].pa);
      n->entries[i] = n->entries[--n->count];
    }
    if (n->count == 0) {
      *link = n->next;
      m_pages.free(m_pages.context, n->pa);
    } else {
      link = &n->next;
    }
  }
}

void ShmemPages::clear() {
  while (m_first != nullptr) {
    Node* n = m_first;
    m_first = n->next;
    for (uint64_t i = 0; i < n->count; i++) m_pages.free(m_pages.context, n->entries[i].pa);
    m_pages.free(m_pages.context, n->pa);
  }
}
