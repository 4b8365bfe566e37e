/*
 * Layer 2: an intrusive pairing heap (min-heap on a 64-bit key).
 *
 * Insertion is O(1), removal of the minimum or of any node O(log n)
 * amortized, and nothing is allocated: the nodes live in their owners.
 * `prev` points to the parent for a first child, to the left sibling
 * otherwise, and is NULL for the root.
 */

#include "timer_queue.h"

static struct heap_node *heap_meld(struct heap_node *a, struct heap_node *b)
{
    struct heap_node *tmp;

    if (!a)
        return b;
    if (!b)
        return a;
    if (b->key < a->key)
    {
        tmp = a;
        a = b;
        b = tmp;
    }
    b->prev = a;
    b->next = a->child;
    if (a->child)
        a->child->prev = b;
    a->child = b;
    a->next = a->prev = NULL;
    return a;
}

/* Melds a list of siblings in the two passes of the pairing heap. */
static struct heap_node *heap_merge_pairs(struct heap_node *first)
{
    struct heap_node *pairs = NULL, *a, *b, *next, *result = NULL;

    while (first)
    {
        a = first;
        b = a->next;
        next = b ? b->next : NULL;
        a->next = a->prev = NULL;
        if (b)
        {
            b->next = b->prev = NULL;
            a = heap_meld(a, b);
        }
        a->next = pairs;
        pairs = a;
        first = next;
    }
    while (pairs)
    {
        next = pairs->next;
        pairs->next = NULL;
        result = heap_meld(result, pairs);
        pairs = next;
    }
    return result;
}

void heap_insert(struct heap *heap, struct heap_node *node, LONGLONG key)
{
    node->key = key;
    node->child = node->next = node->prev = NULL;
    heap->root = heap_meld(heap->root, node);
}

void heap_remove(struct heap *heap, struct heap_node *node)
{
    struct heap_node *children = heap_merge_pairs(node->child);

    if (node == heap->root)
    {
        heap->root = children;
        return;
    }
    if (node->prev->child == node)
        node->prev->child = node->next;
    else
        node->prev->next = node->next;
    if (node->next)
        node->next->prev = node->prev;
    node->child = node->next = node->prev = NULL;
    heap->root = heap_meld(heap->root, children);
}
